package libvirt

// Calls that return lists of structs or statistics, in libvirt-go-module's shapes: the C
// lists are converted to Go slices and freed with libvirt's own free functions.

/*
#include <stdlib.h>
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// DomainFSInfo is one guest filesystem of GetFSInfo.
type DomainFSInfo struct {
	MountPoint string
	Name       string
	FSType     string
	DevAlias   []string
}

// GetFSInfo calls virDomainGetFSInfo.
func (o *Domain) GetFSInfo(flags uint32) ([]DomainFSInfo, error) {
	var err C.virError
	var cinfo *C.virDomainFSInfoPtr
	n := C.virDomainGetFSInfoWrapper(o.cptr(), &cinfo, C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainFSInfo, 0, int(n))
	for _, fs := range unsafe.Slice(cinfo, int(n)) {
		info := DomainFSInfo{MountPoint: C.GoString(fs.mountpoint), Name: C.GoString(fs.name),
			FSType: C.GoString(fs.fstype), DevAlias: []string{}}
		for _, alias := range unsafe.Slice(fs.devAlias, int(fs.ndevAlias)) {
			info.DevAlias = append(info.DevAlias, C.GoString(alias))
		}
		out = append(out, info)
		C.virDomainFSInfoFree(fs)
	}
	C.free(unsafe.Pointer(cinfo))
	return out, nil
}

// DomainIOThreadInfo is one I/O thread of GetIOThreadInfo with the host CPUs it may run on.
type DomainIOThreadInfo struct {
	IOThreadID uint
	CpuMap     []bool
}

// GetIOThreadInfo calls virDomainGetIOThreadInfo.
func (o *Domain) GetIOThreadInfo(flags DomainModificationImpact) ([]DomainIOThreadInfo, error) {
	var err C.virError
	var cinfo *C.virDomainIOThreadInfoPtr
	n := C.virDomainGetIOThreadInfoWrapper(o.cptr(), &cinfo, C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainIOThreadInfo, 0, int(n))
	for _, t := range unsafe.Slice(cinfo, int(n)) {
		m := unsafe.Slice((*C.uchar)(t.cpumap), int(t.cpumaplen))
		out = append(out, DomainIOThreadInfo{IOThreadID: uint(t.iothread_id), CpuMap: cpuBools(m, 8*len(m))})
		C.virDomainIOThreadInfoFree(t)
	}
	C.free(unsafe.Pointer(cinfo))
	return out, nil
}

// DomainIPAddress is one address of a guest interface.
type DomainIPAddress struct {
	Type   IPAddrType
	Addr   string
	Prefix uint
}

// DomainInterface is one guest interface of ListAllInterfaceAddresses.
type DomainInterface struct {
	Name   string
	Hwaddr string
	Addrs  []DomainIPAddress
}

// ListAllInterfaceAddresses calls virDomainInterfaceAddresses.
func (o *Domain) ListAllInterfaceAddresses(src DomainInterfaceAddressesSource) ([]DomainInterface, error) {
	var err C.virError
	var cifaces *C.virDomainInterfacePtr
	n := C.virDomainInterfaceAddressesWrapper(o.cptr(), &cifaces, C.uint(src), 0, &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainInterface, 0, int(n))
	for _, iface := range unsafe.Slice(cifaces, int(n)) {
		gi := DomainInterface{Name: C.GoString(iface.name), Hwaddr: C.GoString(iface.hwaddr), Addrs: []DomainIPAddress{}}
		for _, a := range unsafe.Slice(iface.addrs, int(iface.naddrs)) {
			gi.Addrs = append(gi.Addrs, DomainIPAddress{Type: IPAddrType(a._type), Addr: C.GoString(a.addr), Prefix: uint(a.prefix)})
		}
		out = append(out, gi)
		C.virDomainInterfaceFree(iface)
	}
	C.free(unsafe.Pointer(cifaces))
	return out, nil
}

// GetSecurityLabelList calls virDomainGetSecurityLabelList.
func (o *Domain) GetSecurityLabelList() ([]SecurityLabel, error) {
	var err C.virError
	var clabels C.virSecurityLabelPtr
	n := C.virDomainGetSecurityLabelListWrapper(o.cptr(), &clabels, &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]SecurityLabel, 0, int(n))
	for _, l := range unsafe.Slice(clabels, int(n)) {
		out = append(out, SecurityLabel{Label: C.GoString(&l.label[0]), Enforcing: l.enforcing != 0})
	}
	C.free(unsafe.Pointer(clabels))
	return out, nil
}

// NetworkDHCPLease is one lease of GetDHCPLeases.
type NetworkDHCPLease struct {
	Iface      string
	ExpiryTime time.Time
	Type       IPAddrType
	Mac        string
	Iaid       string
	IPaddr     string
	Prefix     uint
	Hostname   string
	Clientid   string
}

// GetDHCPLeases calls virNetworkGetDHCPLeases for every lease.
func (o *Network) GetDHCPLeases() ([]NetworkDHCPLease, error) {
	var err C.virError
	var cleases *C.virNetworkDHCPLeasePtr
	n := C.virNetworkGetDHCPLeasesWrapper(o.cptr(), nil, &cleases, 0, &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	out := make([]NetworkDHCPLease, 0, int(n))
	for _, l := range unsafe.Slice(cleases, int(n)) {
		out = append(out, NetworkDHCPLease{Iface: C.GoString(l.iface), ExpiryTime: time.Unix(int64(l.expirytime), 0),
			Type: IPAddrType(l._type), Mac: C.GoString(l.mac), Iaid: C.GoString(l.iaid), IPaddr: C.GoString(l.ipaddr),
			Prefix: uint(l.prefix), Hostname: C.GoString(l.hostname), Clientid: C.GoString(l.clientid)})
		C.virNetworkDHCPLeaseFree(l)
	}
	C.free(unsafe.Pointer(cleases))
	return out, nil
}

// nodeStats calls virNodeGetCPUStats or virNodeGetMemoryStats (whose entries have the same
// layout: a name and a value) twice, to count and to fill, and sets the struct's fields.
func nodeStats(fields []typedParam, call func(stats *C.virNodeCPUStats, n *C.int, err *C.virError) C.int) error {
	var err C.virError
	var n C.int
	if call(nil, &n, &err) < 0 {
		return makeError(&err)
	}
	cstats := make([]C.virNodeCPUStats, max(int(n), 1))
	if call(&cstats[0], &n, &err) < 0 {
		return makeError(&err)
	}
	for _, s := range cstats[:n] {
		name := C.GoString(&s.field[0])
		for _, f := range fields {
			if f.name == name {
				*f.value.(*uint64), *f.set = uint64(s.value), true
			}
		}
	}
	return nil
}

// GetCPUStats calls virNodeGetCPUStats.
func (o *Connect) GetCPUStats(cpuNum int, flags uint32) (*NodeCPUStats, error) {
	stats := &NodeCPUStats{}
	if e := nodeStats(stats.typedParams(), func(s *C.virNodeCPUStats, n *C.int, err *C.virError) C.int {
		return C.virNodeGetCPUStatsWrapper(o.cptr(), C.int(cpuNum), s, n, C.uint(flags), err)
	}); e != nil {
		return nil, e
	}
	return stats, nil
}

// GetMemoryStats calls virNodeGetMemoryStats.
func (o *Connect) GetMemoryStats(cellNum int, flags uint32) (*NodeMemoryStats, error) {
	stats := &NodeMemoryStats{}
	if e := nodeStats(stats.typedParams(), func(s *C.virNodeCPUStats, n *C.int, err *C.virError) C.int {
		return C.virNodeGetMemoryStatsWrapper(o.cptr(), C.int(cellNum), (*C.virNodeMemoryStats)(unsafe.Pointer(s)), n, C.uint(flags), err)
	}); e != nil {
		return nil, e
	}
	return stats, nil
}

// GetCPUStats calls virDomainGetCPUStats: the totals with startCpu -1, else nCpus host CPUs
// from startCpu (nCpus 0: all of them), one DomainCPUStats each.
func (o *Domain) GetCPUStats(startCpu int, nCpus uint, flags uint32) ([]DomainCPUStats, error) {
	var err C.virError
	if nCpus == 0 {
		if startCpu == -1 {
			nCpus = 1
		} else {
			ret := C.virDomainGetCPUStatsWrapper(o.cptr(), nil, 0, 0, 0, 0, &err)
			if ret < 0 {
				return nil, makeError(&err)
			}
			nCpus = uint(ret)
		}
	}
	if nCpus > 1<<16 {
		return nil, invalidArg("nCpus")
	}
	nparams := C.virDomainGetCPUStatsWrapper(o.cptr(), nil, 0, C.int(startCpu), 1, C.uint(flags), &err)
	if nparams < 0 {
		return nil, makeError(&err)
	}
	out := make([]DomainCPUStats, int(nCpus))
	if nparams == 0 {
		return out, nil
	}
	total := C.int(nparams) * C.int(nCpus)
	cparams := typedParamsAlloc(total)
	defer typedParamsFree(cparams, total)
	if C.virDomainGetCPUStatsWrapper(o.cptr(), cparams, C.uint(nparams), C.int(startCpu), C.uint(nCpus), C.uint(flags), &err) < 0 {
		return nil, makeError(&err)
	}
	all := unsafe.Slice(cparams, int(total))
	for i := range out {
		if e := typedParamsFromC(&all[i*int(nparams)], nparams, out[i].typedParams()); e != nil {
			return nil, e
		}
	}
	return out, nil
}

// DomainGuestVcpus is the guest's view of its vCPUs (GetGuestVcpus), CPU lists as []bool.
type DomainGuestVcpus struct {
	VcpusSet      bool
	Vcpus         []bool
	OnlineSet     bool
	Online        []bool
	OfflinableSet bool
	Offlinable    []bool
}

// GetGuestVcpus calls virDomainGetGuestVcpus (through the guest agent).
func (o *Domain) GetGuestVcpus(flags uint32) (*DomainGuestVcpus, error) {
	var err C.virError
	var cparams C.virTypedParameterPtr
	var n C.uint
	if C.virDomainGetGuestVcpusWrapper(o.cptr(), &cparams, &n, C.uint(flags), &err) < 0 {
		return nil, makeError(&err)
	}
	defer typedParamsFree(cparams, C.int(n))
	var lists struct{ vcpus, online, offlinable string }
	out := &DomainGuestVcpus{}
	if e := typedParamsFromC(cparams, C.int(n), []typedParam{{"vcpus", &out.VcpusSet, &lists.vcpus},
		{"online", &out.OnlineSet, &lists.online}, {"offlinable", &out.OfflinableSet, &lists.offlinable}}); e != nil {
		return nil, e
	}
	out.Vcpus, out.Online, out.Offlinable = parseCPUList(lists.vcpus), parseCPUList(lists.online), parseCPUList(lists.offlinable)
	return out, nil
}
