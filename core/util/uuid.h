// UUIDs as libvirt reads and writes them.
#pragma once

#include <string>

namespace vh {

constexpr int kUuidLen = 16;
constexpr int kUuidStringLen = 37;   // with the terminating NUL

// Accepts libvirt's forms: 32 hex digits, with any run of '-' or ' ' between byte pairs, and
// surrounding whitespace. Returns false when s is not a UUID.
bool uuidParse(const char *s, unsigned char *uuid);
// Writes the canonical 36-character form and a NUL into buf.
void uuidFormat(const unsigned char *uuid, char *buf);
std::string uuidFormat(const unsigned char *uuid);
// A random version 4 UUID.
void uuidGenerate(unsigned char *uuid);

} // namespace vh
