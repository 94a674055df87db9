package libvirt

// Calls whose Go shape libvirt-go-module chose by hand: CPU maps as []bool, arrays of structs
// as slices, streams reading into the caller's buffer. Each still captures its error in the
// same C call, through the generated wrappers.

/*
#include <stdlib.h>
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"io"
	"unsafe"
)

// packCPUMap packs a []bool into libvirt's bitmap (CPU n is bit n%8 of byte n/8); never empty.
func packCPUMap(cpus []bool) []C.uchar {
	m := make([]C.uchar, max((len(cpus)+7)/8, 1))
	for i, on := range cpus {
		if on {
			m[i/8] |= 1 << (i % 8)
		}
	}
	return m
}

// cpuBools unpacks n CPUs of a bitmap.
func cpuBools(m []C.uchar, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = m[i/8]&(1<<(i%8)) != 0
	}
	return out
}

// hostCPUs is the number of CPUs a domain's host has (VIR_NODEINFO_MAXCPUS of its node), with
// the domain's number of vCPUs.
func (o *Domain) hostCPUs() (cpus int, vcpus int, e error) {
	var err C.virError
	var info C.virDomainInfo
	if C.virDomainGetInfoWrapper(o.cptr(), &info, &err) < 0 {
		return 0, 0, makeError(&err)
	}
	// a domain that answered cannot fail to give its connection
	var node C.virNodeInfo
	if C.virNodeGetInfoWrapper(C.virDomainGetConnect(o.cptr()), &node, &err) < 0 {
		return 0, 0, makeError(&err)
	}
	return int(node.nodes * node.sockets * node.cores * node.threads), int(info.nrVirtCpu), nil
}

// pin calls a pinning function with a packed CPU map and its length.
func pin(cpumap []bool, call func(m *C.uchar, maplen C.int, err *C.virError) C.int) error {
	var err C.virError
	m := packCPUMap(cpumap)
	if call(&m[0], C.int(len(m)), &err) < 0 {
		return makeError(&err)
	}
	return nil
}

// PinVcpu calls virDomainPinVcpu; cpumap[n] pins the vCPU to host CPU n.
func (o *Domain) PinVcpu(vcpu uint, cpumap []bool) error {
	return pin(cpumap, func(m *C.uchar, n C.int, err *C.virError) C.int {
		return C.virDomainPinVcpuWrapper(o.cptr(), C.uint(vcpu), m, n, err)
	})
}

// PinVcpuFlags calls virDomainPinVcpuFlags.
func (o *Domain) PinVcpuFlags(vcpu uint, cpumap []bool, flags DomainModificationImpact) error {
	return pin(cpumap, func(m *C.uchar, n C.int, err *C.virError) C.int {
		return C.virDomainPinVcpuFlagsWrapper(o.cptr(), C.uint(vcpu), m, n, C.uint(flags), err)
	})
}

// PinEmulator calls virDomainPinEmulator.
func (o *Domain) PinEmulator(cpumap []bool, flags DomainModificationImpact) error {
	return pin(cpumap, func(m *C.uchar, n C.int, err *C.virError) C.int {
		return C.virDomainPinEmulatorWrapper(o.cptr(), m, n, C.uint(flags), err)
	})
}

// PinIOThread calls virDomainPinIOThread.
func (o *Domain) PinIOThread(iothreadid uint, cpumap []bool, flags DomainModificationImpact) error {
	return pin(cpumap, func(m *C.uchar, n C.int, err *C.virError) C.int {
		return C.virDomainPinIOThreadWrapper(o.cptr(), C.uint(iothreadid), m, n, C.uint(flags), err)
	})
}

// GetVcpuPinInfo calls virDomainGetVcpuPinInfo: one CPU map per vCPU, each as long as the host
// has CPUs.
func (o *Domain) GetVcpuPinInfo(flags DomainModificationImpact) ([][]bool, error) {
	cpus, vcpus, e := o.hostCPUs()
	if e != nil {
		return nil, e
	}
	var err C.virError
	maplen := (cpus + 7) / 8
	maps := make([]C.uchar, max(vcpus*maplen, 1))
	n := C.virDomainGetVcpuPinInfoWrapper(o.cptr(), C.int(vcpus), &maps[0], C.int(maplen), C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([][]bool, int(n))
	for i := range out {
		out[i] = cpuBools(maps[i*maplen:(i+1)*maplen], cpus)
	}
	return out, nil
}

// GetEmulatorPinInfo calls virDomainGetEmulatorPinInfo.
func (o *Domain) GetEmulatorPinInfo(flags DomainModificationImpact) ([]bool, error) {
	cpus, _, e := o.hostCPUs()
	if e != nil {
		return nil, e
	}
	var err C.virError
	m := make([]C.uchar, max((cpus+7)/8, 1))
	if C.virDomainGetEmulatorPinInfoWrapper(o.cptr(), &m[0], C.int((cpus+7)/8), C.uint(flags), &err) < 0 {
		return nil, makeError(&err)
	}
	return cpuBools(m, cpus), nil
}

// DomainVcpuInfo is one vCPU of GetVcpus, with the host CPUs it may run on.
type DomainVcpuInfo struct {
	Number  uint32
	State   int32
	CpuTime uint64
	Cpu     int32
	CpuMap  []bool
}

// GetVcpus calls virDomainGetVcpus for every vCPU of a running domain.
func (o *Domain) GetVcpus() ([]DomainVcpuInfo, error) {
	cpus, vcpus, e := o.hostCPUs()
	if e != nil {
		return nil, e
	}
	var err C.virError
	nvcpus, maplen := max(vcpus, 1), (cpus+7)/8
	cinfo := make([]C.virVcpuInfo, nvcpus)
	maps := make([]C.uchar, max(nvcpus*maplen, 1))
	n := C.virDomainGetVcpusWrapper(o.cptr(), &cinfo[0], C.int(nvcpus), &maps[0], C.int(maplen), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainVcpuInfo, int(n))
	for i := range out {
		out[i] = DomainVcpuInfo{Number: uint32(cinfo[i].number), State: int32(cinfo[i].state),
			CpuTime: uint64(cinfo[i].cpuTime), Cpu: int32(cinfo[i].cpu), CpuMap: cpuBools(maps[i*maplen:(i+1)*maplen], cpus)}
	}
	return out, nil
}

// DomainMemoryStat is one statistic of MemoryStats (Tag is a DOMAIN_MEMORY_STAT_* value).
type DomainMemoryStat struct {
	Tag int32
	Val uint64
}

// MemoryStats calls virDomainMemoryStats for up to nrStats statistics.
func (o *Domain) MemoryStats(nrStats uint32, flags uint32) ([]DomainMemoryStat, error) {
	if nrStats > 1<<16 {
		return nil, invalidArg("nrStats")
	}
	var err C.virError
	stats := make([]C.virDomainMemoryStatStruct, max(nrStats, 1))
	n := C.virDomainMemoryStatsWrapper(o.cptr(), &stats[0], C.uint(nrStats), C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainMemoryStat, int(n))
	for i := range out {
		out[i] = DomainMemoryStat{Tag: int32(stats[i].tag), Val: uint64(stats[i].val)}
	}
	return out, nil
}

// DomainDiskError is one disk of GetDiskErrors with its error.
type DomainDiskError struct {
	Disk  string
	Error DomainDiskErrorCode
}

// GetDiskErrors calls virDomainGetDiskErrors, first to count the disks in error.
func (o *Domain) GetDiskErrors(flags uint32) ([]DomainDiskError, error) {
	var err C.virError
	n := C.virDomainGetDiskErrorsWrapper(o.cptr(), nil, 0, C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	cerrors := make([]C.virDomainDiskError, max(int(n), 1))
	n = C.virDomainGetDiskErrorsWrapper(o.cptr(), &cerrors[0], C.uint(n), C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainDiskError, int(n))
	for i := range out {
		out[i] = DomainDiskError{Disk: C.GoString(cerrors[i].disk), Error: DomainDiskErrorCode(cerrors[i].error)}
		C.free(unsafe.Pointer(cerrors[i].disk))
	}
	return out, nil
}

// Recv calls virStreamRecv into p: the bytes read, io.EOF at the end of the stream, or -2
// with no error when a non-blocking stream has nothing yet.
func (o *Stream) Recv(p []byte) (int, error) {
	return o.RecvFlags(p, 0)
}

// RecvFlags calls virStreamRecvFlags into p (see Recv; -3 is a hole, with
// STREAM_RECV_STOP_AT_HOLE).
func (o *Stream) RecvFlags(p []byte, flags StreamRecvFlagsValues) (int, error) {
	var err C.virError
	var buf [1]byte
	if len(p) == 0 {
		p = buf[:0:1] // C needs a pointer even for no bytes
	}
	data := (*C.char)(unsafe.Pointer(unsafe.SliceData(p[:cap(p)])))
	var n C.int
	if flags == 0 {
		n = C.virStreamRecvWrapper(o.cptr(), data, C.size_t(len(p)), &err)
	} else {
		n = C.virStreamRecvFlagsWrapper(o.cptr(), data, C.size_t(len(p)), C.uint(flags), &err)
	}
	switch {
	case n == -1:
		return 0, makeError(&err)
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	return int(n), nil
}

// SendKey calls virDomainSendKey.
func (o *Domain) SendKey(codeset, holdtime uint, keycodes []uint, flags uint32) error {
	var err C.virError
	codes := make([]C.uint, max(len(keycodes), 1))
	for i, k := range keycodes {
		codes[i] = C.uint(k)
	}
	if C.virDomainSendKeyWrapper(o.cptr(), C.uint(codeset), C.uint(holdtime), &codes[0], C.int(len(keycodes)), C.uint(flags), &err) < 0 {
		return makeError(&err)
	}
	return nil
}

// GetValue calls virSecretGetValue.
func (o *Secret) GetValue(flags uint32) ([]byte, error) {
	var err C.virError
	var size C.size_t
	value := C.virSecretGetValueWrapper(o.cptr(), &size, C.uint(flags), &err)
	if value == nil {
		return nil, makeError(&err)
	}
	defer C.free(unsafe.Pointer(value))
	return C.GoBytes(unsafe.Pointer(value), C.int(size)), nil
}

// StreamSourceFunc gives SendAll up to nbytes of data to send; no data ends the stream.
type StreamSourceFunc func(stream *Stream, nbytes int) ([]byte, error)

// StreamSinkFunc takes data RecvAll received and says how much of it it consumed.
type StreamSinkFunc func(stream *Stream, data []byte) (int, error)

// StreamSourceHoleFunc says whether SparseSendAll's source is in data or in a hole, and for
// how many more bytes.
type StreamSourceHoleFunc func(stream *Stream) (inData bool, length int64, err error)

// StreamSourceSkipFunc moves SparseSendAll's source past a hole of length bytes.
type StreamSourceSkipFunc func(stream *Stream, length int64) error

// StreamSinkHoleFunc makes a hole of length bytes in SparseRecvAll's sink.
type StreamSinkHoleFunc func(stream *Stream, length int64) error

// streamChunk is how much the All loops move per call, as libvirt's do.
const streamChunk = 64 * 1024

var errNonBlocking = Error{Code: ERR_OPERATION_INVALID, Domain: FROM_STREAMS, Level: ERR_ERROR,
	Message: "Requested operation is not valid: the All loops need a blocking stream"}

// the All loops abort the stream when they fail, as libvirt's do
func (o *Stream) abortWith(e error) error {
	o.Abort()
	return e
}

func (o *Stream) sendFully(data []byte) error {
	for len(data) > 0 {
		n, e := o.Send(data)
		if e != nil {
			return e
		}
		if n < 0 {
			return errNonBlocking
		}
		data = data[n:]
	}
	return nil
}

// SendAll sends what handler gives until it gives nothing (virStreamSendAll's loop).
func (o *Stream) SendAll(handler StreamSourceFunc) error {
	allData := func(*Stream) (bool, int64, error) { return true, 0, nil }
	return o.SparseSendAll(handler, allData, nil)
}

func sinkFully(o *Stream, handler StreamSinkFunc, data []byte) error {
	for len(data) > 0 {
		n, e := handler(o, data)
		if e != nil {
			return e
		}
		if n <= 0 {
			return Error{Code: ERR_INTERNAL_ERROR, Domain: FROM_STREAMS, Level: ERR_ERROR,
				Message: "internal error: the stream's sink consumed no data"}
		}
		data = data[n:]
	}
	return nil
}

// RecvAll gives handler everything received until the end of the stream (virStreamRecvAll's loop).
func (o *Stream) RecvAll(handler StreamSinkFunc) error {
	return o.SparseRecvAll(handler, nil)
}

// SparseSendAll sends data and holes as holeHandler describes the source (virStreamSparseSendAll's loop).
func (o *Stream) SparseSendAll(handler StreamSourceFunc, holeHandler StreamSourceHoleFunc, skipHandler StreamSourceSkipFunc) error {
	for {
		inData, length, e := holeHandler(o)
		if e != nil {
			return o.abortWith(e)
		}
		if !inData && length > 0 {
			if e := o.SendHole(length, 0); e != nil {
				return o.abortWith(e)
			}
			if e := skipHandler(o, length); e != nil {
				return o.abortWith(e)
			}
			continue
		}
		want := streamChunk
		if inData && length > 0 && length < streamChunk {
			want = int(length)
		}
		data, e := handler(o, want)
		if e != nil {
			return o.abortWith(e)
		}
		if len(data) == 0 {
			return nil
		}
		if e := o.sendFully(data); e != nil {
			return o.abortWith(e)
		}
	}
}

// SparseRecvAll gives handler the data and holeHandler the holes received until the end of the
// stream (virStreamSparseRecvAll's loop); with no holeHandler, holes are not asked for.
func (o *Stream) SparseRecvAll(handler StreamSinkFunc, holeHandler StreamSinkHoleFunc) error {
	buf := make([]byte, streamChunk)
	var flags StreamRecvFlagsValues
	if holeHandler != nil {
		flags = STREAM_RECV_STOP_AT_HOLE
	}
	for {
		n, e := o.RecvFlags(buf, flags)
		switch {
		case e == io.EOF:
			return nil
		case e != nil:
			return o.abortWith(e)
		case n == -2:
			return o.abortWith(errNonBlocking)
		case n == -3:
			length, e := o.RecvHole(0)
			if e == nil {
				e = holeHandler(o, length)
			}
			if e != nil {
				return o.abortWith(e)
			}
		case n > 0:
			if e := sinkFully(o, handler, buf[:n]); e != nil {
				return o.abortWith(e)
			}
		}
	}
}

// GetMaxCPUs is the number of CPUs the node can have (libvirt's VIR_NODEINFO_MAXCPUS).
func (ni *NodeInfo) GetMaxCPUs() uint32 {
	return ni.Nodes * ni.Sockets * ni.Cores * ni.Threads
}

// DomainGetConnect gives the domain's connection, with a reference of its own (virDomainGetConnect
// and virConnectRef).
func (o *Domain) DomainGetConnect() (*Connect, error) {
	var err C.virError
	var info C.virDomainInfo
	// a domain that answers has a connection to give
	if C.virDomainGetInfoWrapper(o.cptr(), &info, &err) < 0 {
		return nil, makeError(&err)
	}
	conn := C.virDomainGetConnect(o.cptr())
	if C.virConnectRefWrapper(conn, &err) < 0 {
		return nil, makeError(&err)
	}
	return newConnect(conn), nil
}

// GetNetwork gives the port's network, with a reference of its own (virNetworkPortGetNetwork
// and virNetworkRef).
func (o *NetworkPort) GetNetwork() (*Network, error) {
	var err C.virError
	// a port that answers has a network to give
	var uuid [C.VIR_UUID_BUFLEN]C.uchar
	if C.virNetworkPortGetUUIDWrapper(o.cptr(), &uuid[0], &err) < 0 {
		return nil, makeError(&err)
	}
	net := C.virNetworkPortGetNetwork(o.cptr())
	if C.virNetworkRefWrapper(net, &err) < 0 {
		return nil, makeError(&err)
	}
	return newNetwork(net), nil
}

// GetCPUMap calls virNodeGetCPUMap: which host CPUs are online, and how many are.
func (o *Connect) GetCPUMap(flags uint32) (map[int]bool, uint, error) {
	var err C.virError
	var cmap *C.uchar
	var online C.uint
	n := C.virNodeGetCPUMapWrapper(o.cptr(), &cmap, &online, C.uint(flags), &err)
	if n < 0 {
		return nil, 0, makeError(&err)
	}
	defer C.free(unsafe.Pointer(cmap))
	m := unsafe.Slice(cmap, (int(n)+7)/8)
	cpus := make(map[int]bool, int(n))
	for i, on := range cpuBools(m, int(n)) {
		cpus[i] = on
	}
	return cpus, uint(online), nil
}

// GetFreePages calls virNodeGetFreePages: the free pages of each size, cell after cell.
func (o *Connect) GetFreePages(pageSizes []uint64, startCell int, maxCells uint, flags uint32) ([]uint64, error) {
	if len(pageSizes) > 1<<16 || maxCells > 1<<16 {
		return nil, invalidArg("pageSizes")
	}
	var err C.virError
	sizes := make([]C.uint, max(len(pageSizes), 1))
	for i, s := range pageSizes {
		sizes[i] = C.uint(s)
	}
	counts := make([]C.ulonglong, max(len(pageSizes)*int(maxCells), 1))
	n := C.virNodeGetFreePagesWrapper(o.cptr(), C.uint(len(pageSizes)), &sizes[0], C.int(startCell), C.uint(maxCells),
		&counts[0], C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]uint64, int(n))
	for i := range out {
		out[i] = uint64(counts[i])
	}
	return out, nil
}

// AllocPages calls virNodeAllocPages: pageSizes maps a page size in KiB to the pages wanted.
func (o *Connect) AllocPages(pageSizes map[int]int64, startCell int, cellCount uint, flags NodeAllocPagesFlags) (int, error) {
	var err C.virError
	sizes := make([]C.uint, 0, len(pageSizes)+1)
	counts := make([]C.ulonglong, 0, len(pageSizes)+1)
	for size, count := range pageSizes {
		sizes = append(sizes, C.uint(size))
		counts = append(counts, C.ulonglong(count))
	}
	n := C.virNodeAllocPagesWrapper(o.cptr(), C.uint(len(pageSizes)), unsafe.SliceData(sizes), unsafe.SliceData(counts),
		C.int(startCell), C.uint(cellCount), C.uint(flags), &err)
	if n < 0 {
		return 0, makeError(&err)
	}
	return int(n), nil
}
