#include "util/png.h"

#include <array>

namespace vh {

namespace {

uint32_t crc32(const std::string &data, size_t from)
{
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    uint32_t c = 0xffffffffu;
    for (size_t i = from; i < data.size(); ++i)
        c = table[(c ^ static_cast<uint8_t>(data[i])) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

void be32(std::string &out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xff);
}

void chunk(std::string &out, const char *type, const std::string &body)
{
    be32(out, static_cast<uint32_t>(body.size()));
    size_t start = out.size();
    out += type;
    out += body;
    be32(out, crc32(out, start));
}

// zlib stream of stored blocks (each at most 65535 bytes) with its Adler-32.
std::string zlibStored(const std::string &raw)
{
    std::string z = "\x78\x01";
    size_t off = 0;
    do {
        size_t len = std::min<size_t>(raw.size() - off, 65535);
        bool last = off + len == raw.size();
        z += static_cast<char>(last ? 1 : 0);
        z += static_cast<char>(len & 0xff);
        z += static_cast<char>(len >> 8);
        z += static_cast<char>(~len & 0xff);
        z += static_cast<char>((~len >> 8) & 0xff);
        z.append(raw, off, len);
        off += len;
    } while (off < raw.size());
    uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    be32(z, (b << 16) | a);
    return z;
}

} // namespace

std::string encodePng(unsigned width, unsigned height, const std::vector<uint8_t> &rgb)
{
    std::string out = "\x89PNG\r\n\x1a\n";
    std::string ihdr;
    be32(ihdr, width);
    be32(ihdr, height);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);   // 8 bits, RGB, deflate, no filter, no interlace
    chunk(out, "IHDR", ihdr);
    std::string raw;
    raw.reserve((width * 3 + 1) * height);
    for (unsigned y = 0; y < height; ++y) {
        raw += '\0';    // filter: none
        raw.append(reinterpret_cast<const char *>(rgb.data()) + y * width * 3, width * 3);
    }
    chunk(out, "IDAT", zlibStored(raw));
    chunk(out, "IEND", "");
    return out;
}

} // namespace vh
