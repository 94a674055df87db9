// virthub shell: output helpers (virsh-compatible printing).
#pragma once

#include <cstdarg>
#include <string>
#include <vector>

namespace virthub {

struct Ctl;

// Always printed to stdout.
void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Printed to stdout unless --quiet.
void printExtra(const Ctl &ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// "error: ..." on stderr.
void printError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

std::string strprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Text with XML's five special characters as entities.
std::string xmlEscape(const std::string &s);

// Display width of a UTF-8 string (falls back to byte length when the
// locale cannot decode it).
size_t displayWidth(const std::string &s);

// Escapes what cannot be printed (invalid multibyte sequences, control
// characters) the way virsh's tables do.
std::string tableSafeEncode(const std::string &s);

// virsh's table layout: a header row, a line of dashes and the rows.
// Columns are as wide as their widest cell; all but the last column are
// padded and separated by three spaces; every line starts with a space.
class Table {
public:
    explicit Table(std::vector<std::string> header);
    void addRow(std::vector<std::string> row);
    void print(const Ctl &ctl) const;  // header omitted in quiet mode

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// "%-Ns %s" key/value line as used by dominfo and nodeinfo.
void printKeyValue(const char *key, int keyWidth, const std::string &value);

}  // namespace virthub
