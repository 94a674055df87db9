#include "util/uuid.h"

#include <cctype>
#include <cstdio>
#include <random>
#include <sys/random.h>

namespace vh {

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

bool uuidParse(const char *s, unsigned char *uuid)
{
    if (!s)
        return false;
    while (isspace(static_cast<unsigned char>(*s)))
        s++;
    for (int i = 0; i < kUuidLen; i++) {
        while (*s == '-' || *s == ' ')     // libvirt allows any run of them between pairs
            s++;
        int hi = hexValue(s[0]);
        int lo = hi < 0 ? -1 : hexValue(s[1]);
        if (lo < 0)
            return false;
        uuid[i] = static_cast<unsigned char>(hi << 4 | lo);
        s += 2;
    }
    while (isspace(static_cast<unsigned char>(*s)))
        s++;
    return *s == '\0';
}

void uuidFormat(const unsigned char *u, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    char *w = buf;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *w++ = '-';
        *w++ = hex[u[i] >> 4];
        *w++ = hex[u[i] & 0xf];
    }
    *w = '\0';
}

std::string uuidFormat(const unsigned char *uuid)
{
    char buf[kUuidStringLen];
    uuidFormat(uuid, buf);
    return buf;
}

void uuidGenerate(unsigned char *uuid)
{
    size_t got = 0;
    while (got < kUuidLen) {
        ssize_t n = getrandom(uuid + got, kUuidLen - got, 0);
        if (n <= 0)
            break;
        got += static_cast<size_t>(n);
    }
    if (got < kUuidLen) {      // no kernel entropy call: fall back to the C++ generator
        static thread_local std::mt19937_64 gen{std::random_device{}()};
        for (int i = 0; i < kUuidLen; i++)
            uuid[i] = static_cast<unsigned char>(gen());
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40;
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

} // namespace vh
