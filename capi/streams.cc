// libvirt-stream.h functions the library implements itself: creating a stream, and the
// whole-stream loops built on virStreamSend/Recv (which the stream's driver implements).
#include <vector>

#include "capi/entry.h"

namespace {
constexpr size_t kChunk = 256 * 1024;
}

extern "C" {

virStreamPtr virStreamNew(virConnectPtr conn, unsigned int flags)
{
    vh::capi::Entry e_("virStreamNew", VIR_FROM_STREAMS);
    if (!e_.check(conn))
        return nullptr;
    return e_.run<virStreamPtr>(nullptr, [&]() -> vh::Result<virStreamPtr> { return new _virStream(conn, flags); });
}

int virStreamSendAll(virStreamPtr stream, virStreamSourceFunc handler, void *opaque)
{
    vh::capi::Entry e_("virStreamSendAll", VIR_FROM_STREAMS);
    if (!e_.check(stream) || !e_.nonNull(reinterpret_cast<void *>(handler), "handler"))
        return -1;
    std::vector<char> buf(kChunk);
    for (;;) {
        int got = handler(stream, buf.data(), buf.size(), opaque);
        if (got < 0) {
            virStreamAbort(stream);
            e_.report(vh::Error::make(VIR_FROM_STREAMS, VIR_ERR_RPC, "send handler failed"));
            return -1;
        }
        if (got == 0)
            return 0;
        for (int off = 0; off < got;) {
            int sent = virStreamSend(stream, buf.data() + off, got - off);
            if (sent < 0) {
                virStreamAbort(stream);
                return -1;
            }
            off += sent;
        }
    }
}

int virStreamRecvAll(virStreamPtr stream, virStreamSinkFunc handler, void *opaque)
{
    vh::capi::Entry e_("virStreamRecvAll", VIR_FROM_STREAMS);
    if (!e_.check(stream) || !e_.nonNull(reinterpret_cast<void *>(handler), "handler"))
        return -1;
    std::vector<char> buf(kChunk);
    for (;;) {
        int got = virStreamRecv(stream, buf.data(), buf.size());
        if (got < 0) {
            virStreamAbort(stream);
            return -1;
        }
        if (got == 0)
            return 0;
        for (int off = 0; off < got;) {
            int done = handler(stream, buf.data() + off, got - off, opaque);
            if (done < 0) {
                virStreamAbort(stream);
                e_.report(vh::Error::make(VIR_FROM_STREAMS, VIR_ERR_RPC, "recv handler failed"));
                return -1;
            }
            off += done;
        }
    }
}

int virStreamSparseSendAll(virStreamPtr stream, virStreamSourceFunc handler, virStreamSourceHoleFunc holeHandler,
                           virStreamSourceSkipFunc skipHandler, void *opaque)
{
    vh::capi::Entry e_("virStreamSparseSendAll", VIR_FROM_STREAMS);
    if (!e_.check(stream) || !e_.nonNull(reinterpret_cast<void *>(handler), "handler") ||
        !e_.nonNull(reinterpret_cast<void *>(holeHandler), "holeHandler") ||
        !e_.nonNull(reinterpret_cast<void *>(skipHandler), "skipHandler"))
        return -1;
    std::vector<char> buf(kChunk);
    for (;;) {
        int inData = 0;
        long long section = 0;
        if (holeHandler(stream, &inData, &section, opaque) < 0)
            break;
        if (!inData && section > 0) {
            if (virStreamSendHole(stream, section, 0) < 0 || skipHandler(stream, section, opaque) < 0)
                break;
            continue;
        }
        size_t want = section > 0 && static_cast<size_t>(section) < buf.size() ? static_cast<size_t>(section) : buf.size();
        int got = handler(stream, buf.data(), want, opaque);
        if (got < 0)
            break;
        if (got == 0)
            return 0;
        for (int off = 0; off < got;) {
            int sent = virStreamSend(stream, buf.data() + off, got - off);
            if (sent < 0)
                goto fail;
            off += sent;
        }
    }
fail:
    virStreamAbort(stream);
    return -1;
}

int virStreamSparseRecvAll(virStreamPtr stream, virStreamSinkFunc handler, virStreamSinkHoleFunc holeHandler, void *opaque)
{
    vh::capi::Entry e_("virStreamSparseRecvAll", VIR_FROM_STREAMS);
    if (!e_.check(stream) || !e_.nonNull(reinterpret_cast<void *>(handler), "handler") ||
        !e_.nonNull(reinterpret_cast<void *>(holeHandler), "holeHandler"))
        return -1;
    std::vector<char> buf(kChunk);
    for (;;) {
        int got = virStreamRecvFlags(stream, buf.data(), buf.size(), VIR_STREAM_RECV_STOP_AT_HOLE);
        if (got == -3) {            // at a hole
            long long length = 0;
            if (virStreamRecvHole(stream, &length, 0) < 0 || holeHandler(stream, length, opaque) < 0)
                break;
            continue;
        }
        if (got < 0)
            break;
        if (got == 0)
            return 0;
        for (int off = 0; off < got;) {
            int done = handler(stream, buf.data() + off, got - off, opaque);
            if (done < 0)
                goto fail;
            off += done;
        }
    }
fail:
    virStreamAbort(stream);
    return -1;
}

} // extern "C"
