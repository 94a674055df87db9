// virthub shell: output helpers.
#include "output.h"

#include "command.h"

#include <cstdio>
#include <cstdlib>
#include <cwchar>
#include <cwctype>

namespace virthub {

void print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void printExtra(const Ctl &ctl, const char *fmt, ...)
{
    if (ctl.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void printError(const char *fmt, ...)
{
    // Keep stdout and stderr ordered when both go to the same terminal.
    fflush(stdout);
    fputs("error: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

std::string strprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(nullptr, 0, fmt, ap);
    va_end(ap);
    std::string out;
    if (n > 0) {
        out.resize(static_cast<size_t>(n) + 1);
        vsnprintf(&out[0], out.size(), fmt, ap2);
        out.resize(static_cast<size_t>(n));
    }
    va_end(ap2);
    return out;
}

size_t displayWidth(const std::string &s)
{
    bool ascii = true;
    for (unsigned char c : s) {
        if (c >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii)
        return s.size();
    if (MB_CUR_MAX <= 1)
        return s.size();
    std::mbstate_t st{};
    const char *p = s.c_str();
    size_t left = s.size();
    size_t width = 0;
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, left, &st);
        if (n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2))
            return s.size();
        if (n == 0)
            break;
        int w = wcwidth(wc);
        width += w > 0 ? static_cast<size_t>(w) : 0;
        p += n;
        left -= n;
    }
    return width;
}

static void escapeByte(std::string &out, unsigned char c)
{
    // virsh prints "\\x%02x" of the (sign-extended) char into a 5-byte
    // buffer, so every byte >= 0x80 comes out as "\\xff".
    if (c >= 0x80) {
        out += "\\xff";
    } else {
        static const char hex[] = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
}

std::string tableSafeEncode(const std::string &s)
{
    std::string out;
    std::mbstate_t st{};
    const char *p = s.data();
    size_t left = s.size();
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, left, &st);
        if (n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2)) {
            escapeByte(out, static_cast<unsigned char>(*p));
            p++;
            left--;
            st = std::mbstate_t{};
            continue;
        }
        if (n == 0)
            n = 1;
        if (!iswprint(static_cast<wint_t>(wc))) {
            for (size_t i = 0; i < n; i++)
                escapeByte(out, static_cast<unsigned char>(p[i]));
        } else {
            out.append(p, n);
        }
        p += n;
        left -= n;
    }
    return out;
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::addRow(std::vector<std::string> row)
{
    row.resize(header_.size());
    for (auto &cell : row)
        cell = tableSafeEncode(cell);
    rows_.push_back(std::move(row));
}

void Table::print(const Ctl &ctl) const
{
    const size_t ncol = header_.size();
    std::vector<size_t> width(ncol, 0);
    if (!ctl.quiet) {
        for (size_t i = 0; i < ncol; i++)
            width[i] = displayWidth(header_[i]);
    }
    for (const auto &row : rows_) {
        for (size_t i = 0; i < ncol; i++) {
            size_t w = displayWidth(row[i]);
            if (w > width[i])
                width[i] = w;
        }
    }

    std::string out;
    auto addLine = [&](const std::vector<std::string> &cells) {
        for (size_t i = 0; i < ncol; i++) {
            out += ' ';
            out += cells[i];
            if (i + 1 < ncol) {
                size_t w = displayWidth(cells[i]);
                out.append(width[i] - w + 2, ' ');
            }
        }
        out += '\n';
    };

    if (!ctl.quiet) {
        addLine(header_);
        size_t dashes = 0;
        for (size_t i = 0; i < ncol; i++)
            dashes += width[i] + 3;
        out.append(dashes, '-');
        out += '\n';
    }
    for (const auto &row : rows_)
        addLine(row);
    fputs(out.c_str(), stdout);
}

void printKeyValue(const char *key, int keyWidth, const std::string &value)
{
    fprintf(stdout, "%-*s %s\n", keyWidth, key, value.c_str());
}

std::string xmlEscape(const std::string &s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

}  // namespace virthub
