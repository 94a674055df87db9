// Files on disk as the drivers keep them: written atomically (ARCHITECTURE.md decision 7), read
// whole, directories made on demand.
#pragma once

#include <string>

#include "util/result.h"

namespace vh {

// Writes text to path through a temporary file in the same directory, fsync and rename, then
// fsyncs the directory: a crash leaves the old file or the new one, never neither.
Result<void> writeFileAtomic(const std::string &path, const std::string &text, int errDomain);
// The whole file.
Result<std::string> readFile(const std::string &path, int errDomain);
// mkdir -p, with mode for the directories it makes.
Result<void> makeDirs(const std::string &path, int mode, int errDomain);

} // namespace vh
