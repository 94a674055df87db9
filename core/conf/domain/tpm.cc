#include "conf/domain/tpm.h"

#include "conf/domain/chardev.h"
#include "conf/domain/domain_def.h"
#include "util/uuid.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

Result<void> parseEmulator(TpmDef &d, const xmlNode *backend)
{
    auto version = Props(backend).enumeration("version", kTpmVersion, PROP_NONE_INVALID);
    if (!version)
        return std::move(version).error();
    d.version = version->value_or(TpmVersion::Default);
    if (auto persistent = xml::attr(backend, "persistent_state")) {
        if (*persistent == "yes")
            d.persistentState = true;
        else if (*persistent != "no")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Invalid persistent_state value, either 'yes' or 'no'");
    }
    if (const xmlNode *enc = xml::child(backend, "encryption")) {
        if (auto secret = xml::attr(enc, "secret")) {
            unsigned char uuid[kUuidLen];
            if (!uuidParse(secret->c_str(), uuid))
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Unable to parse secret uuid '%s'", secret->c_str());
            d.secretUuid = uuidFormat(uuid);
        }
    }
    if (const xmlNode *banks = xml::child(backend, "active_pcr_banks")) {
        for (const xmlNode *b : xml::Children(banks)) {
            const char *name = reinterpret_cast<const char *>(b->name);
            auto bank = kTpmPcrBank.parse(name);
            if (!bank)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unsupported PCR banks '%s'", name);
            d.pcrBanks |= 1u << static_cast<unsigned>(*bank);
        }
    }
    return {};
}

Result<void> parseExternal(TpmDef &d, const xmlNode *backend)
{
    const xmlNode *source = xml::child(backend, "source");
    auto type = source ? xml::attr(source, "type") : std::nullopt;
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing external TPM backend type");
    auto t = kChrType.parse(*type);
    if (!t)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown backend type '%s' for external TPM",
                             type->c_str());
    if (*t != ChrType::Unix)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only source type 'unix' is supported for external TPM device");
    auto src = ChardevSource::parse(ChrType::Unix, backend, ParseContext{}, false);
    if (!src)
        return std::move(src).error();
    if (src->listen)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only 'client' mode is supported for external TPM device");
    if (src->path.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing socket path for external TPM device");
    d.path = src->path;
    return {};
}

} // namespace

Result<TpmDef> TpmDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    TpmDef d;
    auto model = Props(n).enumeration("model", kTpmModel, PROP_NONE_INVALID);
    if (!model)
        return std::move(model).error();
    d.model = model->value_or(TpmModel::Default);
    const xmlNode *backend = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "backend"))
            continue;
        if (backend)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one TPM backend is supported");
        backend = c;
    }
    if (!backend)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing TPM device backend");
    auto type = Props(backend).enumeration("type", kTpmBackend, PROP_REQUIRED);
    if (!type)
        return std::move(type).error();
    d.backend = **type;
    switch (d.backend) {
    case TpmBackend::Passthrough:
        if (const xmlNode *dev = xml::child(backend, "device"))
            d.path = xml::attr(dev, "path").value_or("");
        if (d.path.empty())
            d.path = "/dev/tpm0";
        break;
    case TpmBackend::Emulator:
        VH_TRY(parseEmulator(d, backend));
        break;
    case TpmBackend::External:
        VH_TRY(parseExternal(d, backend));
        break;
    default:
        break;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void TpmDef::postParseAll(DomainDef &)
{
}

Result<void> TpmDef::validateAll(const DomainDef &def)
{
    for (const TpmDef &t : def.devices.tpms)
        if (t.backend == TpmBackend::Emulator && t.pcrBanks && t.version != TpmVersion::V20)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "<active_pcr_banks/> requires TPM version '2.0'");
    return {};
}

void TpmDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("tpm");
    if (model != TpmModel::Default)
        w.attr("model", kTpmModel.name(model));
    w.start("backend").attr("type", kTpmBackend.name(backend));
    switch (backend) {
    case TpmBackend::Passthrough:
        w.start("device").attr("path", path).end();
        break;
    case TpmBackend::Emulator:
        if (version != TpmVersion::Default)
            w.attr("version", kTpmVersion.name(version));
        if (persistentState)
            w.attr("persistent_state", "yes");
        if (!secretUuid.empty())
            w.start("encryption").attr("secret", secretUuid).end();
        if (pcrBanks) {
            w.start("active_pcr_banks");
            for (size_t i = 0; i < static_cast<size_t>(TpmPcrBank::Last); i++)
                if (pcrBanks & (1u << i))
                    w.start(kTpmPcrBank.name(static_cast<TpmPcrBank>(i))).end();
            w.end();
        }
        break;
    case TpmBackend::External:
        w.start("source").attr("type", "unix").attr("mode", "connect").attr("path", path).end();
        break;
    default:
        break;
    }
    w.end();
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
