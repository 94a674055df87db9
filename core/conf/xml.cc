#include "conf/xml.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <libxml/parser.h>
#include <libvirt/virterror.h>

namespace vh::xml {

namespace {

// No NOENT (entities are never substituted, so external ones are never loaded), no DTDLOAD,
// no XINCLUDE, no HUGE (libxml2's depth and size limits stay on), no network.
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_NOCDATA;

// Keeps the first error libxml2 reports for a parse, the one libvirt shows, in libvirt's
// layout: "FILE:LINE: problem\n<the line>\n-----^" ("at line LINE: ..." when the error is
// inside an entity's text, which has no file name). The line and the pointer come from the
// parser's position when it reported, as libvirt takes them.
struct FirstError {
    std::string message;
    bool seen = false;

    // libxml2 calls this with the parser context; entity text is parsed by a child context
    // that inherits _private, so both land here.
    static void record(void *data, xmlErrorPtr e)
    {
        auto *ctxt = static_cast<xmlParserCtxtPtr>(data);
        auto *f = static_cast<FirstError *>(ctxt->_private);
        if (f->seen || !e || e->level < XML_ERR_ERROR || !ctxt->input)
            return;
        f->seen = true;
        const char *msg = e->message ? e->message : "";
        const xmlChar *base = ctxt->input->base, *at = ctxt->input->cur, *cur = at;
        std::string context, pointer;
        if (base && cur) {
            while (cur > base && (*cur == '\n' || *cur == '\r'))
                cur--;
            while (cur > base && *cur != '\n' && *cur != '\r')
                cur--;
            if (*cur == '\n' || *cur == '\r')
                cur++;
            size_t col = at > cur ? static_cast<size_t>(at - cur) : 0;
            while (*cur && *cur != '\n' && *cur != '\r')
                context += static_cast<char>(*cur++);
            for (size_t n = 0; n < col && n < context.size(); n++)
                pointer += context[n] == '\t' ? '\t' : '-';
        }
        if (context.empty())
            context = "(null)";  // libvirt prints its empty context buffer as a null string
        if (ctxt->input->filename)
            f->message = strprintf("%s:%d: %s%s\n%s^", ctxt->input->filename, ctxt->input->line,
                                   msg, context.c_str(), pointer.c_str());
        else
            f->message = strprintf("at line %d: %s%s\n%s^", ctxt->input->line, msg,
                                   context.c_str(), pointer.c_str());
    }
};
} // namespace

Result<Doc> parse(std::string_view text, const char *what, int errDomain)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        throw std::bad_alloc();
    FirstError first;
    ctxt->sax->serror = FirstError::record;     // per parse: no global handler to race on
    ctxt->_private = &first;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()), what, nullptr, kParseOptions);
    if (doc && ctxt->wellFormed && xmlDocGetRootElement(doc)) {
        xmlFreeParserCtxt(ctxt);
        return Doc(doc);
    }
    std::string message = first.seen ? first.message : strprintf("%s: failed to parse xml document", what);
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    Error e;
    e.code = VIR_ERR_XML_DETAIL;
    e.domain = errDomain;
    e.message = message;
    e.str1 = "%s";
    e.str2 = message;
    return e;
}

Result<Doc> parseFile(const std::string &path, int errDomain)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    if (in)
        buf << in.rdbuf();
    if (!in) {
        // what libxml2 itself says on stderr when libvirt asks it to load a missing file
        fprintf(stderr, "I/O warning : failed to load external entity \"%s\"\n", path.c_str());
        return Error::format(errDomain, VIR_ERR_XML_ERROR, "failed to parse xml document '%s'", path.c_str());
    }
    return parse(buf.str(), path.c_str(), errDomain);
}

xmlNode *child(const xmlNode *parent, const char *name)
{
    for (xmlNode *c : Children(parent))
        if (is(c, name))
            return c;
    return nullptr;
}

std::optional<std::string> attr(const xmlNode *n, const char *name)
{
    xmlAttr *a = xmlHasProp(n, reinterpret_cast<const xmlChar *>(name));
    if (!a)
        return std::nullopt;
    if (a->children && !a->children->next && a->children->type == XML_TEXT_NODE)
        return std::string(reinterpret_cast<const char *>(a->children->content));
    xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
    std::string s = v ? reinterpret_cast<const char *>(v) : "";
    xmlFree(v);
    return s;
}

std::string text(const xmlNode *n)
{
    std::string out;
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            out += reinterpret_cast<const char *>(c->content);
    return out;
}

std::optional<std::string> childText(const xmlNode *parent, const char *name)
{
    const xmlNode *c = child(parent, name);
    if (!c)
        return std::nullopt;
    return text(c);
}

namespace {
void dropBlanks(xmlNode *n)
{
    for (xmlNode *c = n->children; c;) {
        xmlNode *next = c->next;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c) && (c->prev || c->next)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            dropBlanks(c);
        }
        c = next;
    }
}
} // namespace

std::string serialize(const xmlNode *n, int indent)
{
    xmlDocPtr doc = xmlNewDoc(reinterpret_cast<const xmlChar *>("1.0"));
    xmlNodePtr copy = xmlDocCopyNode(const_cast<xmlNode *>(n), doc, 1);
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    dropBlanks(copy);
    xmlBufferPtr buf = xmlBufferCreate();
    int saved = xmlIndentTreeOutput;
    xmlIndentTreeOutput = 1;
    xmlNodeDump(buf, doc, copy, 0, 1);
    xmlIndentTreeOutput = saved;
    std::string dumped(reinterpret_cast<const char *>(xmlBufferContent(buf)), xmlBufferLength(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    std::string pad(static_cast<size_t>(indent) * 2, ' ');
    std::string out;
    size_t start = 0;
    while (start < dumped.size()) {
        size_t end = dumped.find('\n', start);
        if (end == std::string::npos)
            end = dumped.size();
        out += pad;
        out.append(dumped, start, end - start);
        out += '\n';
        start = end + 1;
    }
    return out;
}

namespace {
std::string qualifiedName(const xmlNode *n)
{
    std::string name = reinterpret_cast<const char *>(n->name);
    if (n->ns && n->ns->prefix)
        name = std::string(reinterpret_cast<const char *>(n->ns->prefix)) + ":" + name;
    return name;
}

void copy(Writer &w, const xmlNode *n)
{
    w.start(qualifiedName(n));
    for (const xmlNs *ns = n->nsDef; ns; ns = ns->next)
        w.attr(ns->prefix ? "xmlns:" + std::string(reinterpret_cast<const char *>(ns->prefix)) : std::string("xmlns"),
               reinterpret_cast<const char *>(ns->href));
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        std::string name = reinterpret_cast<const char *>(a->name);
        if (a->ns && a->ns->prefix)
            name = std::string(reinterpret_cast<const char *>(a->ns->prefix)) + ":" + name;
        w.attr(name, attr(n, reinterpret_cast<const char *>(a->name)).value_or(""));
    }
    bool elements = Children(n).begin() != Children(n).end();
    if (elements) {
        for (const xmlNode *c : Children(n))
            copy(w, c);
    } else {
        std::string t = text(n);
        if (!t.empty())
            w.text(t);
    }
    w.end();
}
} // namespace

std::string reformat(const xmlNode *n, int indent)
{
    Writer w(indent);
    copy(w, n);
    return w.take();
}

std::optional<unsigned long long> toULL(std::string_view s, bool allowHex)
{
    // as libvirt's virStrToLong_ullp: strtoull's leading blanks and '+' pass, a '-' does not
    std::string str(s);
    size_t digits = str.find_first_not_of(" \t\n\v\f\r+");
    bool hex = allowHex && digits != std::string::npos && digits + 1 < str.size() && str[digits] == '0' &&
               (str[digits + 1] == 'x' || str[digits + 1] == 'X');
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(str.c_str(), &end, hex ? 16 : 10);
    if (errno || *end || end == str.c_str() || str.find('-') < static_cast<size_t>(end - str.c_str()))
        return std::nullopt;
    return v;
}

std::optional<long long> toLL(std::string_view s)
{
    std::string str(s);
    errno = 0;
    char *end = nullptr;
    long long v = strtoll(str.c_str(), &end, 10);
    if (str.empty() || errno || *end || end == str.c_str())
        return std::nullopt;
    return v;
}

std::optional<unsigned long long> scaleToKiB(unsigned long long value, std::string_view unit)
{
    // libvirt's units: b/bytes, k/KiB, KB, M/MiB, MB, G/GiB, GB, T/TiB, TB, P/PiB, PB, E/EiB, EB
    std::string u(unit);
    for (char &c : u)
        c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    unsigned long long base = 1024;
    int power = 1;
    if (u.empty() || u == "k" || u == "kib")
        power = 1;
    else if (u == "b" || u == "byte" || u == "bytes")
        power = 0;
    else {
        static const char letters[] = "kmgtpe";
        const char *p = strchr(letters, u[0]);
        if (!p || u.size() > 3)
            return std::nullopt;
        power = static_cast<int>(p - letters) + 1;
        if (u.size() == 1 || u.substr(1) == "ib")
            base = 1024;
        else if (u.substr(1) == "b")
            base = 1000;
        else
            return std::nullopt;
    }
    // bytes = value * base^power; KiB = bytes / 1024, rounded up as libvirt does
    unsigned long long bytes = value;
    for (int i = 0; i < power; i++) {
        if (bytes > ULLONG_MAX / base)
            return std::nullopt;
        bytes *= base;
    }
    return (bytes + 1023) / 1024;
}

void escape(std::string &out, std::string_view s)
{
    for (char c : s) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '\'': out += "&apos;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
}

void Writer::closeStartTag()
{
    if (depth_ > 0 && stack_[depth_ - 1].pending) {
        out_ += ">\n";
        stack_[depth_ - 1].pending = false;
    }
}

Writer &Writer::start(std::string_view name)
{
    closeStartTag();
    indent();
    out_ += '<';
    out_ += name;
    stack_[depth_++] = {std::string(name), true, false};
    return *this;
}

Writer &Writer::attr(std::string_view name, std::string_view value)
{
    out_ += ' ';
    out_ += name;
    out_ += "='";
    escape(out_, value);
    out_ += '\'';
    return *this;
}

Writer &Writer::attr(std::string_view name, long long value)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", value);
    return attr(name, std::string_view(buf));
}

Writer &Writer::attr(std::string_view name, unsigned long long value)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", value);
    return attr(name, std::string_view(buf));
}

Writer &Writer::hexAttr(std::string_view name, unsigned int value, int width)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "0x%0*x", width, value);
    return attr(name, std::string_view(buf));
}

Writer &Writer::text(std::string_view s)
{
    Open &o = stack_[depth_ - 1];
    if (o.pending) {
        out_ += '>';
        o.pending = false;
    }
    escape(out_, s);
    o.hasText = true;
    return *this;
}

Writer &Writer::open()
{
    closeStartTag();
    return *this;
}

Writer &Writer::end()
{
    Open &o = stack_[--depth_];
    if (o.pending) {
        out_ += "/>\n";
    } else if (o.hasText) {
        out_ += "</";
        out_ += o.name;
        out_ += ">\n";
    } else {
        indent();
        out_ += "</";
        out_ += o.name;
        out_ += ">\n";
    }
    return *this;
}

Writer &Writer::element(std::string_view name, std::string_view s)
{
    return start(name).text(s).end();
}

Writer &Writer::raw(std::string_view xml)
{
    closeStartTag();
    out_ += xml;
    return *this;
}

} // namespace vh::xml
