// A minimal PNG writer: 8-bit RGB, stored (uncompressed) deflate blocks. Enough for an image
// the code draws itself (the test driver's screenshot) without an image library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vh {

// rgb: width * height * 3 bytes, rows top to bottom.
std::string encodePng(unsigned width, unsigned height, const std::vector<uint8_t> &rgb);

} // namespace vh
