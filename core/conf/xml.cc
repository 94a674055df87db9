#include "conf/xml.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <fstream>
#include <vector>
#include <sstream>

#include <libxml/dict.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/parser.h>
#include <libvirt/virterror.h>

// The name libxml2 gives comment nodes; exported, though no header declares it. Copies of a
// node whose name is this very string share it instead of allocating one.
extern "C" const xmlChar xmlStringComment[];

namespace vh::xml {

namespace {

// No NOENT (entities are never substituted, so external ones are never loaded), no DTDLOAD,
// no XINCLUDE, no HUGE (libxml2's depth and size limits stay on), no network.
// COMPACT keeps short text inside its node instead of a separate allocation.
constexpr int kParseOptions =
    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_NOBLANKS;

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

// One parser context per thread, reused: its dictionary already holds the element and
// attribute names of the documents before, which spares most of libxml2's allocations. A
// context whose dictionary has grown past kDictLimit names (documents full of invented names)
// is replaced, so memory stays bounded.
class ParserCache {
public:
    ~ParserCache() { drop(); }

    xmlParserCtxtPtr take()
    {
        if (ctxt_ && static_cast<size_t>(xmlDictSize(ctxt_->dict)) > kDictLimit)
            drop();
        if (!ctxt_ && !(ctxt_ = xmlNewParserCtxt()))
            throw std::bad_alloc();
        return ctxt_;
    }

private:
    static constexpr size_t kDictLimit = 4096;
    void drop()
    {
        if (ctxt_)
            xmlFreeParserCtxt(ctxt_);
        ctxt_ = nullptr;
    }
    xmlParserCtxtPtr ctxt_ = nullptr;
};

} // namespace

namespace {

Error syntaxError(const FirstError &first, const char *what, int errDomain)
{
    std::string message = first.seen ? first.message : strprintf("%s: failed to parse xml document", what);
    Error e;
    e.code = VIR_ERR_XML_DETAIL;
    e.domain = errDomain;
    e.message = message;
    e.str1 = "%s";
    e.str2 = message;
    return e;
}

// libxml2's own tree builder, for parse() and for documents with a DTD.
xmlDocPtr parseWithTree(xmlParserCtxtPtr ctxt, std::string_view text, const char *what, FirstError &first)
{
    xmlSAXVersion(ctxt->sax, 2);
    ctxt->sax->serror = FirstError::record;     // per parse: no global handler to race on
    ctxt->_private = &first;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()), what, nullptr, kParseOptions);
    ctxt->_private = nullptr;
    if (doc && ctxt->wellFormed && xmlDocGetRootElement(doc))
        return doc;
    if (doc)
        xmlFreeDoc(doc);
    return nullptr;
}

thread_local ParserCache parsers;

} // namespace

Result<Doc> parse(std::string_view text, const char *what, int errDomain)
{
    FirstError first;
    if (xmlDocPtr doc = parseWithTree(parsers.take(), text, what, first))
        return Doc(doc);
    return syntaxError(first, what, errDomain);
}

// ---- Tree: libxml2's node structures built from its SAX2 events into one arena ----------

struct Tree::Arena {
    static constexpr size_t kBlock = 16384;
    std::vector<std::unique_ptr<char[]>> blocks;
    char *cur = nullptr;
    size_t left = 0;

    void *take(size_t n)
    {
        n = (n + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
        if (n > left) {
            size_t size = std::max(n, kBlock);
            blocks.emplace_back(new char[size]);
            cur = blocks.back().get();
            left = size;
        }
        void *p = cur;
        cur += n;
        left -= n;
        return memset(p, 0, n);
    }
    template <typename T> T *make() { return static_cast<T *>(take(sizeof(T))); }
    xmlChar *copy(const xmlChar *s, size_t len)
    {
        auto *out = static_cast<xmlChar *>(take(len + 1));
        memcpy(out, s, len);
        return out;
    }
};

namespace {

bool blank(const xmlChar *s, int len)
{
    for (int i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

// Builds the tree as libxml2's SAX2 handlers would, with the same blank handling as
// XML_PARSE_NOBLANKS: whitespace between elements is dropped, whitespace that is an
// element's only content is kept.
struct TreeBuilder : FirstError {
    Tree::Arena &arena;
    xmlDoc *doc;
    xmlNode *root = nullptr;
    xmlNode *current = nullptr;
    xmlNode *pendingBlank = nullptr;   // whitespace that goes if an element follows it
    bool hasDtd = false;
    xmlNs *xmlNamespace = nullptr;
    xmlNode *textNode = nullptr;   // the text node whose content is still in `text`
    std::string text;

    TreeBuilder(Tree::Arena &a, xmlDoc *d) : arena(a), doc(d) {}

    static TreeBuilder &of(void *ctx)
    {
        auto *ctxt = static_cast<xmlParserCtxtPtr>(ctx);
        return *static_cast<TreeBuilder *>(static_cast<FirstError *>(ctxt->_private));
    }

    void append(xmlNode *n)
    {
        n->doc = doc;
        n->parent = current;
        if (!current)
            return;
        if (current->last) {
            current->last->next = n;
            n->prev = current->last;
        } else {
            current->children = n;
        }
        current->last = n;
    }

    void dropPendingBlank()
    {
        xmlNode *b = pendingBlank;
        pendingBlank = nullptr;
        if (!b || b->parent != current || current->last != b)
            return;
        current->last = b->prev;
        if (b->prev)
            b->prev->next = nullptr;
        else
            current->children = nullptr;
    }

    xmlNs *findNs(const xmlNode *n, const xmlChar *prefix)
    {
        if (xmlStrEqual(prefix, BAD_CAST "xml")) {
            // declared by XML itself, never by the document
            if (!xmlNamespace) {
                xmlNamespace = arena.make<xmlNs>();
                xmlNamespace->type = XML_NAMESPACE_DECL;
                xmlNamespace->href = XML_XML_NAMESPACE;
                xmlNamespace->prefix = BAD_CAST "xml";
            }
            return xmlNamespace;
        }
        for (; n; n = n->parent)
            for (xmlNs *ns = n->nsDef; ns; ns = ns->next)
                if (xmlStrEqual(ns->prefix, prefix))
                    return ns;
        return nullptr;
    }

    xmlChar *dup(const xmlChar *s) { return s ? arena.copy(s, strlen(reinterpret_cast<const char *>(s))) : nullptr; }
    // Element and attribute names come from the parser's dictionary, which the document
    // node keeps alive.
    const xmlChar *name(const xmlChar *s) { return doc && doc->dict ? s : dup(s); }

    static void startElement(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                             int nbNamespaces, const xmlChar **namespaces, int nbAttributes, int,
                             const xmlChar **attributes)
    {
        TreeBuilder &b = of(ctx);
        b.flushText();
        b.dropPendingBlank();
        auto *ctxt = static_cast<xmlParserCtxtPtr>(ctx);
        xmlNode *n = b.arena.make<xmlNode>();
        n->type = XML_ELEMENT_NODE;
        n->name = b.name(localname);
        n->line = static_cast<unsigned short>(ctxt->input ? std::min(ctxt->input->line, 65535) : 0);
        b.append(n);
        xmlNs **lastNs = &n->nsDef;
        for (int i = 0; i < nbNamespaces; i++) {
            xmlNs *ns = b.arena.make<xmlNs>();
            ns->type = XML_NAMESPACE_DECL;
            ns->prefix = b.dup(namespaces[2 * i]);
            ns->href = b.dup(namespaces[2 * i + 1]);
            *lastNs = ns;
            lastNs = &ns->next;
        }
        if (uri)
            n->ns = b.findNs(n, prefix);
        xmlAttr **lastAttr = &n->properties;
        xmlAttr *prevAttr = nullptr;
        for (int i = 0; i < nbAttributes; i++) {
            const xmlChar **at = attributes + 5 * i;
            xmlAttr *a = b.arena.make<xmlAttr>();
            a->type = XML_ATTRIBUTE_NODE;
            a->name = b.name(at[0]);
            a->parent = n;
            a->doc = b.doc;
            a->prev = prevAttr;
            if (at[1])
                a->ns = b.findNs(n, at[1]);
            xmlNode *t = b.arena.make<xmlNode>();
            t->type = XML_TEXT_NODE;
            t->name = xmlStringText;
            t->parent = reinterpret_cast<xmlNode *>(a);
            t->doc = b.doc;
            t->content = b.attrValue(at[3], at[4]);
            a->children = a->last = t;
            *lastAttr = a;
            lastAttr = &a->next;
            prevAttr = a;
        }
        b.current = n;
        if (!b.root)
            b.root = n;
    }

    // Without a DTD the parser hands attribute values over decoded, except '&', which it
    // leaves as "&#38;" for the tree builder to decode.
    xmlChar *attrValue(const xmlChar *begin, const xmlChar *end)
    {
        size_t len = static_cast<size_t>(end - begin);
        xmlChar *out = arena.copy(begin, len);
        if (!memchr(begin, '&', len))
            return out;
        xmlChar *w = out;
        for (const xmlChar *r = begin; r < end;) {
            if (end - r >= 5 && memcmp(r, "&#38;", 5) == 0) {
                *w++ = '&';
                r += 5;
            } else {
                *w++ = *r++;
            }
        }
        *w = 0;
        return out;
    }

    static void endElement(void *ctx, const xmlChar *, const xmlChar *, const xmlChar *)
    {
        TreeBuilder &b = of(ctx);
        b.flushText();
        if (b.pendingBlank && b.pendingBlank->prev)
            b.dropPendingBlank();
        b.pendingBlank = nullptr;
        if (b.current)
            b.current = b.current->parent;
    }

    // Text arrives in pieces (one per entity or character reference): it is collected in
    // `text` and copied into the arena once, when something other than text follows.
    static void characters(void *ctx, const xmlChar *ch, int len)
    {
        TreeBuilder &b = of(ctx);
        if (!b.current || len <= 0)
            return;
        if (b.textNode && b.current->last == b.textNode) {
            b.text.append(reinterpret_cast<const char *>(ch), static_cast<size_t>(len));
            if (b.textNode == b.pendingBlank && !blank(ch, len))
                b.pendingBlank = nullptr;
            return;
        }
        b.flushText();
        xmlNode *t = b.arena.make<xmlNode>();
        t->type = XML_TEXT_NODE;
        t->name = xmlStringText;
        b.append(t);
        b.textNode = t;
        b.text.assign(reinterpret_cast<const char *>(ch), static_cast<size_t>(len));
        b.pendingBlank = blank(ch, len) ? t : nullptr;
    }

    void flushText()
    {
        if (!textNode)
            return;
        textNode->content = arena.copy(reinterpret_cast<const xmlChar *>(text.data()), text.size());
        textNode = nullptr;
        text.clear();
    }

    static void comment(void *ctx, const xmlChar *value)
    {
        TreeBuilder &b = of(ctx);
        if (!b.current)
            return;
        b.flushText();
        b.dropPendingBlank();
        xmlNode *c = b.arena.make<xmlNode>();
        c->type = XML_COMMENT_NODE;
        c->name = xmlStringComment;
        c->content = b.dup(value);
        b.append(c);
    }

    static void processingInstruction(void *ctx, const xmlChar *target, const xmlChar *data)
    {
        TreeBuilder &b = of(ctx);
        if (!b.current)
            return;
        b.flushText();
        b.dropPendingBlank();
        xmlNode *pi = b.arena.make<xmlNode>();
        pi->type = XML_PI_NODE;
        pi->name = b.dup(target);
        pi->content = b.dup(data);
        b.append(pi);
    }

    static void internalSubset(void *ctx, const xmlChar *, const xmlChar *, const xmlChar *)
    {
        of(ctx).hasDtd = true;
        xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
    }

    static void ignore(void *, const xmlChar *, int) {}
};

} // namespace

Tree::Tree() = default;
Tree::Tree(Tree &&) noexcept = default;
Tree &Tree::operator=(Tree &&) noexcept = default;
Tree::~Tree() = default;

Result<Tree> read(std::string_view text, const char *what, int errDomain)
{
    Tree tree;
    tree.arena_ = std::make_unique<Tree::Arena>();
    xmlParserCtxtPtr ctxt = parsers.take();
    xmlSAXVersion(ctxt->sax, 2);
    xmlSAXHandler *sax = ctxt->sax;
    sax->startElementNs = TreeBuilder::startElement;
    sax->endElementNs = TreeBuilder::endElement;
    sax->characters = TreeBuilder::characters;
    sax->ignorableWhitespace = TreeBuilder::ignore;
    sax->comment = TreeBuilder::comment;
    sax->processingInstruction = TreeBuilder::processingInstruction;
    sax->internalSubset = TreeBuilder::internalSubset;
    sax->serror = FirstError::record;
    TreeBuilder builder(*tree.arena_, nullptr);
    ctxt->_private = static_cast<FirstError *>(&builder);
    // The document node only anchors the nodes: its children stay empty, so freeing it never
    // touches the arena.
    sax->startDocument = [](void *ctx) {
        xmlSAX2StartDocument(ctx);
        auto *c = static_cast<xmlParserCtxtPtr>(ctx);
        TreeBuilder::of(ctx).doc = c->myDoc;
    };
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()), what, nullptr,
                                      kParseOptions & ~XML_PARSE_NOBLANKS);
    ctxt->_private = nullptr;
    xmlSAXVersion(ctxt->sax, 2);
    if (builder.hasDtd) {
        if (doc)
            xmlFreeDoc(doc);
        // entities need libxml2's own tree
        FirstError first;
        xmlDocPtr full = parseWithTree(ctxt, text, what, first);
        if (!full)
            return syntaxError(first, what, errDomain);
        tree.arena_.reset();
        tree.root_ = xmlDocGetRootElement(full);
        tree.doc_.reset(full);
        return tree;
    }
    tree.doc_.reset(doc);
    if (!doc || !ctxt->wellFormed || !builder.root)
        return syntaxError(builder, what, errDomain);
    tree.root_ = builder.root;
    return tree;
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

std::optional<std::string> nonEmpty(std::optional<std::string> v)
{
    if (v && v->empty())
        return std::nullopt;
    return v;
}

std::string deepText(const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    std::string s = c ? reinterpret_cast<const char *>(c) : "";
    xmlFree(c);
    return s;
}

std::optional<std::string> childString(const xmlNode *parent, const char *name)
{
    const xmlNode *c = child(parent, name);
    return c ? nonEmpty(deepText(c)) : std::nullopt;
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
    // as libvirt does: libxml2 indents the children for the level; text is kept as written
    xmlNodeDump(buf, doc, copy, indent, 1);
    xmlIndentTreeOutput = saved;
    std::string out(static_cast<size_t>(indent) * 2, ' ');
    out.append(reinterpret_cast<const char *>(xmlBufferContent(buf)), xmlBufferLength(buf));
    out += '\n';
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
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
    // copy the runs between special characters whole
    size_t run = 0;
    for (size_t i = 0; i < s.size(); i++) {
        const char *entity;
        switch (s[i]) {
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '&': entity = "&amp;"; break;
        case '\'': entity = "&apos;"; break;
        case '"': entity = "&quot;"; break;
        default: continue;
        }
        out.append(s, run, i - run);
        out += entity;
        run = i + 1;
    }
    out.append(s, run, s.size() - run);
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

// Numbers through std::to_chars: snprintf was a third of the time of formatting a domain.
Writer &Writer::attr(std::string_view name, long long value)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), value);
    return attr(name, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

Writer &Writer::attr(std::string_view name, unsigned long long value)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), value);
    return attr(name, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// "0x" and at least `width` lowercase hex digits, as printf's "0x%0*x"
Writer &Writer::hexAttr(std::string_view name, unsigned int value, int width)
{
    char digits[16];
    auto r = std::to_chars(digits, digits + sizeof(digits), value, 16);
    size_t n = static_cast<size_t>(r.ptr - digits);
    char buf[48] = {'0', 'x'};
    size_t pad = width > 0 && static_cast<size_t>(width) > n ? std::min<size_t>(static_cast<size_t>(width) - n, 32) : 0;
    memset(buf + 2, '0', pad);
    memcpy(buf + 2 + pad, digits, n);
    return attr(name, std::string_view(buf, 2 + pad + n));
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

std::string indented(std::string_view text, int levels)
{
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    while (!text.empty()) {
        size_t nl = text.find('\n');
        size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
        out.append(static_cast<size_t>(levels) * 2, ' ');
        out += text.substr(0, len);
        text.remove_prefix(len);
    }
    return out;
}

Writer &Writer::raw(std::string_view xml)
{
    closeStartTag();
    // pre-formatted lines are indented for a top-level document: shift them to this depth
    out_ += base_ ? indented(xml, base_) : std::string(xml);
    return *this;
}

} // namespace vh::xml
