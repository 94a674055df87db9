// XML reading (libxml2 DOM, walked once, no XPath) and writing (libvirt's layout: two-space
// indentation, single-quoted attributes, empty elements as <x/>).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <libxml/tree.h>

#include "util/result.h"

namespace vh::xml {

struct DocDeleter {
    void operator()(xmlDoc *d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocDeleter>;

// Parses text without network access or entity expansion. A syntax error gives
// VIR_ERR_XML_DETAIL in errDomain with libvirt's layout: "<what>:<line>: <problem>" followed
// by the offending line and a caret.
Result<Doc> parse(std::string_view text, const char *what, int errDomain);
// A parsed document for reading only: its nodes are libxml2's structures, laid out in one
// arena instead of one allocation each, which halves the cost of reading a document. Walk it
// with the functions below; never hand its nodes to libxml2 functions that change or free
// them. A document with a DTD is read by libxml2's own tree builder instead (entities).
class Tree {
public:
    Tree(Tree &&) noexcept;
    Tree &operator=(Tree &&) noexcept;
    ~Tree();
    const xmlNode *root() const { return root_; }
    struct Arena;

private:
    friend Result<Tree> read(std::string_view, const char *, int);
    Tree();
    std::unique_ptr<Arena> arena_;
    Doc doc_;   // the shell the nodes point to, or libxml2's whole tree
    const xmlNode *root_ = nullptr;
};
// Like parse(), with the same errors, into a Tree.
Result<Tree> read(std::string_view text, const char *what, int errDomain);

// Reads a file and parses it; a missing or unreadable file is VIR_ERR_XML_ERROR
// "failed to parse xml document '<path>'".
Result<Doc> parseFile(const std::string &path, int errDomain);

// Element children of a node, in document order.
class Children {
public:
    explicit Children(const xmlNode *parent) : first_(next(parent ? parent->children : nullptr)) {}
    struct It {
        xmlNode *n;
        xmlNode *operator*() const { return n; }
        It &operator++() { n = Children::next(n->next); return *this; }
        bool operator!=(const It &o) const { return n != o.n; }
    };
    It begin() const { return {first_}; }
    It end() const { return {nullptr}; }
    static xmlNode *next(xmlNode *n)
    {
        while (n && n->type != XML_ELEMENT_NODE)
            n = n->next;
        return n;
    }

private:
    xmlNode *first_;
};

inline bool is(const xmlNode *n, const char *name)
{
    return n && xmlStrEqual(n->name, reinterpret_cast<const xmlChar *>(name));
}
// The first element child called name, or nullptr.
xmlNode *child(const xmlNode *parent, const char *name);
// An attribute's value; nullopt when absent.
std::optional<std::string> attr(const xmlNode *n, const char *name);
// Text content of an element (entity references are not expanded).
std::string text(const xmlNode *n);
// Text of the first child element `name`, or nullopt.
std::optional<std::string> childText(const xmlNode *parent, const char *name);

// Values as libvirt reads them with XPath's string(): an empty one counts as absent.
std::optional<std::string> nonEmpty(std::optional<std::string> v);
// The text of an element and all its descendants (string(.)).
std::string deepText(const xmlNode *n);
// string(./name): the first child called name, its whole text, if not empty.
std::optional<std::string> childString(const xmlNode *parent, const char *name);
// The node and its subtree as XML text, re-indented for `indent` levels, as libxml2 writes it
// (double quotes: how libvirt prints foreign metadata).
std::string serialize(const xmlNode *n, int indent);
// The same in libvirt's own layout (single quotes), for elements kept as written.
std::string reformat(const xmlNode *n, int indent);

// Integers as libvirt reads them in XML ("0x" hex allowed where it says so).
std::optional<unsigned long long> toULL(std::string_view s, bool allowHex = false);
std::optional<long long> toLL(std::string_view s);
// Scales a value with a libvirt unit ("KiB", "M", "GB", ...) to KiB; nullopt for a bad unit
// or an overflow.
std::optional<unsigned long long> scaleToKiB(unsigned long long value, std::string_view unit);

class Writer {
public:
    Writer() = default;
    // Writes as if `depth` elements were already open (a fragment for a deeper level).
    explicit Writer(int depth) : base_(depth) {}
    // <name ...; attributes may follow until a child, text or end().
    Writer &start(std::string_view name);
    Writer &attr(std::string_view name, std::string_view value);
    Writer &attr(std::string_view name, const char *value) { return attr(name, std::string_view(value)); }
    Writer &attr(std::string_view name, const std::string &value) { return attr(name, std::string_view(value)); }
    Writer &attr(std::string_view name, long long value);
    Writer &attr(std::string_view name, int value) { return attr(name, static_cast<long long>(value)); }
    Writer &attr(std::string_view name, unsigned int value) { return attr(name, static_cast<long long>(value)); }
    Writer &attr(std::string_view name, unsigned long long value);
    Writer &hexAttr(std::string_view name, unsigned int value, int width);
    // Escaped character data, closing the start tag on the same line.
    Writer &text(std::string_view s);
    // Closes the start tag even when no child follows (libvirt's <devices>\n  </devices>).
    Writer &open();
    Writer &end();
    // <name>text</name>
    Writer &element(std::string_view name, std::string_view text);
    // Pre-formatted lines (already indented XML), e.g. kept foreign metadata.
    Writer &raw(std::string_view xml);
    int depth() const { return depth_; }

    std::string take() { return std::move(out_); }
    const std::string &str() const { return out_; }

private:
    void closeStartTag();
    void indent() { out_.append(static_cast<size_t>(base_ + depth_) * 2, ' '); }
    std::string out_;
    struct Open {
        std::string name;
        bool pending;   // "<name" written, ">" not yet
        bool hasText;
    };
    Open stack_[32];
    int depth_ = 0;
    int base_ = 0;
};

void escape(std::string &out, std::string_view s);
// text with every line shifted right by `levels` indentation levels
std::string indented(std::string_view text, int levels);
// s escaped for an attribute value or character data
inline std::string escaped(std::string_view s)
{
    std::string out;
    escape(out, s);
    return out;
}

} // namespace vh::xml
