// <watchdog>: a hardware watchdog (model, action, address).
#pragma once

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class WatchdogModel { I6300esb, Ib700, Diag288, Last };
VH_ENUM_TABLE(kWatchdogModel, WatchdogModel, "i6300esb", "ib700", "diag288");

enum class WatchdogAction { Reset, Shutdown, Poweroff, Pause, Dump, None, InjectNmi, Last };
VH_ENUM_TABLE(kWatchdogAction, WatchdogAction, "reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi");

struct WatchdogDef {
    WatchdogModel model = WatchdogModel::I6300esb;
    WatchdogAction action = WatchdogAction::Reset;   // libvirt's default
    DeviceInfo info;

    static Result<WatchdogDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // What libvirt refuses while reading or post-parsing the document (before any driver
    // rule); validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // At most one watchdog.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
