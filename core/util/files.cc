#include "util/files.h"

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/virterror.h>

namespace vh {

Result<void> writeFileAtomic(const std::string &path, const std::string &text, int errDomain)
{
    std::string tmp = path + ".new";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::system(errDomain, errno, "cannot create file '" + tmp + "'");
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            unlink(tmp.c_str());
            return Error::system(errDomain, err, "cannot write file '" + tmp + "'");
        }
        done += static_cast<size_t>(n);
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        int err = errno;
        unlink(tmp.c_str());
        return Error::system(errDomain, err, "cannot write file '" + tmp + "'");
    }
    if (rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        unlink(tmp.c_str());
        return Error::system(errDomain, err, "cannot rename '" + tmp + "' to '" + path + "'");
    }
    std::string dir = path.substr(0, path.rfind('/') + 1);
    int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return {};
}

Result<std::string> readFile(const std::string &path, int errDomain)
{
    std::ifstream f(path);
    if (!f)
        return Error::system(errDomain, errno, "cannot read file '" + path + "'");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

Result<void> makeDirs(const std::string &path, int mode, int errDomain)
{
    for (size_t pos = 1; pos != std::string::npos;) {
        pos = path.find('/', pos + 1);
        std::string part = path.substr(0, pos);
        if (mkdir(part.c_str(), mode) < 0 && errno != EEXIST)
            return Error::system(errDomain, errno, "cannot create directory '" + part + "'");
    }
    return {};
}

} // namespace vh
