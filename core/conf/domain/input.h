// <input>: a mouse, tablet, keyboard or host input device given to the guest (libvirt's
// virDomainInputDef): type, bus (a default by OS type and architecture), model, the host
// device of passthrough and evdev inputs, the virtio driver options and the address.
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class InputType { Mouse, Tablet, Keyboard, Passthrough, Evdev, Last };
VH_ENUM_TABLE(kInputType, InputType, "mouse", "tablet", "keyboard", "passthrough", "evdev");

enum class InputBus { Ps2, Usb, Xen, Parallels, Virtio, None, Last };
VH_ENUM_TABLE(kInputBus, InputBus, "ps2", "usb", "xen", "parallels", "virtio", "none");

enum class InputModel { Default, Virtio, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kInputModel, InputModel, "default", "virtio", "virtio-transitional", "virtio-non-transitional");

enum class InputGrab { Default, All, Last };
VH_ENUM_TABLE(kInputGrab, InputGrab, "default", "all");

enum class InputGrabToggle { Default, CtrlCtrl, AltAlt, ShiftShift, MetaMeta, Scrolllock, CtrlScrolllock, Last };
VH_ENUM_TABLE(kInputGrabToggle, InputGrabToggle, "default", "ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta",
              "scrolllock", "ctrl-scrolllock");

struct InputDef {
    InputType type = InputType::Mouse;
    std::optional<InputBus> bus;         // unset until post-parse picks the default
    InputModel model = InputModel::Default;
    std::optional<std::string> evdev;    // <source evdev=> (passthrough) or <source dev=> (evdev)
    InputGrab grab = InputGrab::Default;
    InputGrabToggle grabToggle = InputGrabToggle::Default;
    std::optional<bool> repeat;
    VirtioOptions virtio;
    DeviceInfo info;

    static Result<InputDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // The bus of inputs written without one, from the OS type and architecture.
    static void postParseAll(DomainDef &def);
    // Buses the OS type allows, and what each type and model accepts.
    static Result<void> validateAll(const DomainDef &def);

    // The implicit mouse and keyboard some drivers add (libvirt's generic post-parse adds
    // none; the test driver adds none): QEMU's x86 PC machines get them on ps2 (unless the
    // <ps2> feature is off), Xen guests with graphics on xen. Each is appended unless an input
    // of that type is already on that bus.
    static void addImplicitMouseKeyboard(DomainDef &def, InputBus bus);
};

} // namespace vh::conf
