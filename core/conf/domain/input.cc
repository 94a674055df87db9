#include "conf/domain/input.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

Error unsupported(const char *fmt, std::string_view what)
{
    std::string s(what);
    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, fmt, s.c_str());
}

bool isX86(const std::string &arch)
{
    return arch == "i686" || arch == "x86_64";
}

bool isXenOS(const std::string &os)
{
    return os == "xen" || os == "xenpvh";
}

} // namespace

Result<InputDef> InputDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    InputDef d;
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing input device type");
    auto t = kInputType.parse(*type);
    if (!t)
        return unsupported("unknown input device type '%s'", *type);
    d.type = *t;
    if (auto model = xml::attr(n, "model")) {
        auto m = kInputModel.parse(*model);
        if (!m || *m == InputModel::Default)
            return unsupported("unknown input model '%s'", *model);
        d.model = *m;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    if (auto bus = xml::attr(n, "bus")) {
        auto b = kInputBus.parse(*bus);
        if (!b)
            return unsupported("unknown input bus type '%s'", *bus);
        d.bus = *b;
    }
    if (d.type == InputType::Passthrough || d.type == InputType::Evdev) {
        if (const xmlNode *src = xml::child(n, "source")) {
            Props p(src);
            auto path = p.str(d.type == InputType::Passthrough ? "evdev" : "dev");
            if (!path)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing evdev path for input device");
            d.evdev = path;
            if (d.type == InputType::Evdev) {
                auto grab = p.enumeration("grab", kInputGrab, PROP_NONE_INVALID);
                if (!grab)
                    return std::move(grab).error();
                d.grab = grab->value_or(InputGrab::Default);
                auto toggle = p.enumeration("grabToggle", kInputGrabToggle, PROP_NONE_INVALID);
                if (!toggle)
                    return std::move(toggle).error();
                d.grabToggle = toggle->value_or(InputGrabToggle::Default);
                auto repeat = p.onOff("repeat");
                if (!repeat)
                    return std::move(repeat).error();
                d.repeat = *repeat;
            }
        }
    }
    auto virtio = VirtioOptions::parse(xml::child(n, "driver"));
    if (!virtio)
        return std::move(virtio).error();
    d.virtio = *virtio;
    return d;
}

void InputDef::postParseAll(DomainDef &def)
{
    const std::string &os = def.os.type;
    const std::string &arch = def.os.arch;
    for (InputDef &i : def.devices.inputs) {
        if (i.bus)
            continue;
        if (os == "hvm") {
            if ((i.type == InputType::Mouse || i.type == InputType::Keyboard) && isX86(arch))
                i.bus = InputBus::Ps2;
            else if (arch == "s390x" || arch == "s390")
                i.bus = InputBus::Virtio;
            else if (i.type == InputType::Passthrough)
                i.bus = InputBus::Virtio;
            else if (i.type == InputType::Evdev)
                i.bus = InputBus::None;
            else
                i.bus = InputBus::Usb;
        } else if (isXenOS(os)) {
            i.bus = InputBus::Xen;
        } else if (i.type == InputType::Passthrough) {
            i.bus = InputBus::Virtio;
        } else {
            i.bus = InputBus::None;
        }
    }
}

Result<void> InputDef::validateAll(const DomainDef &def)
{
    const std::string &os = def.os.type;
    for (const InputDef &i : def.devices.inputs) {
        InputBus bus = i.bus.value_or(InputBus::None);
        bool mouseOrKeyboard = i.type == InputType::Mouse || i.type == InputType::Keyboard;
        auto internal = [&](const char *fmt, std::string_view what) {
            std::string s(what);
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, fmt, s.c_str());
        };
        if (os == "hvm") {
            if (bus == InputBus::Ps2 && !mouseOrKeyboard)
                return internal("ps2 bus does not support %s input device", kInputType.name(i.type));
            if (bus == InputBus::Xen)
                return internal("unsupported input bus %s", kInputBus.name(bus));
        } else if (isXenOS(os)) {
            if (bus != InputBus::Xen)
                return internal("unsupported input bus %s", kInputBus.name(bus));
            if (!mouseOrKeyboard)
                return internal("xen bus does not support %s input device", kInputType.name(i.type));
        } else {
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                               "Input devices are not supported by this virtualization driver.");
        }
        if (i.type == InputType::Passthrough && bus != InputBus::Virtio)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "only bus 'virtio' is supported for 'passthrough' input devices");
        if (i.type == InputType::Evdev && bus != InputBus::None)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "input evdev doesn't support bus element");
        if (i.model != InputModel::Default && bus != InputBus::Virtio)
            return unsupported("only bus 'virtio' is supported for input model '%s'", kInputModel.name(i.model));
    }
    return {};
}

void InputDef::addImplicitMouseKeyboard(DomainDef &def, InputBus bus)
{
    for (InputType type : {InputType::Mouse, InputType::Keyboard}) {
        bool present = false;
        for (const InputDef &i : def.devices.inputs)
            present |= i.type == type && i.bus == bus;
        if (!present) {
            InputDef i;
            i.type = type;
            i.bus = bus;
            def.devices.inputs.push_back(std::move(i));
        }
    }
}

void InputDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("input").attr("type", kInputType.name(type));
    if (bus && *bus != InputBus::None)
        w.attr("bus", kInputBus.name(*bus));
    if (model != InputModel::Default)
        w.attr("model", kInputModel.name(model));
    if (!virtio.empty()) {
        w.start("driver");
        virtio.formatAttrs(w);
        w.end();
    }
    if (type == InputType::Passthrough || type == InputType::Evdev) {
        if (evdev) {
            w.start("source").attr(type == InputType::Passthrough ? "evdev" : "dev", *evdev);
            if (grab != InputGrab::Default)
                w.attr("grab", kInputGrab.name(grab));
            if (grabToggle != InputGrabToggle::Default)
                w.attr("grabToggle", kInputGrabToggle.name(grabToggle));
            if (repeat)
                w.attr("repeat", onOff(*repeat));
            w.end();
        }
    }
    info.format(w, ctx);
    w.end();
}

} // namespace vh::conf
