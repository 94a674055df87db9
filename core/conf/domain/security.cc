#include "conf/domain/security.h"

namespace vh::conf {

Result<SecurityDef> SecurityDef::parse(const TopLevel &top, const ParseContext &)
{
    SecurityDef d;
    for (const xmlNode *n : top.all("seclabel"))
        d.raw.push_back(xml::reformat(n, 1));
    for (const xmlNode *n : top.all("keywrap"))
        d.raw.push_back(xml::reformat(n, 1));
    for (const xmlNode *n : top.all("launchSecurity"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void SecurityDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
