package libvirt

// Calls that pass or return file descriptors, as libvirt-go-module shapes them: os.File in,
// os.File out (the caller owns and closes what comes back).

/*
#include <stdlib.h>
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"os"
	"unsafe"
)

// fds gives the descriptors of files, never an empty array (C needs a pointer).
func fds(files []os.File) []C.int {
	out := make([]C.int, max(len(files), 1))
	for i := range files {
		out[i] = C.int(files[i].Fd())
	}
	return out
}

// newFiles wraps descriptors C gave back, and frees their array.
func newFiles(cfds *C.int, n int) []*os.File {
	if cfds == nil {
		return nil
	}
	out := make([]*os.File, 0, n)
	for _, fd := range unsafe.Slice(cfds, n) {
		out = append(out, os.NewFile(uintptr(fd), "libvirt-fd"))
	}
	C.free(unsafe.Pointer(cfds))
	return out
}

// fileValues is newFiles as values (libvirt-go-module's []os.File); each copy shares its file.
func fileValues(files []*os.File) []os.File {
	out := make([]os.File, 0, len(files))
	for _, f := range files {
		out = append(out, *f)
	}
	return out
}

// DomainCreateXMLWithFiles calls virDomainCreateXMLWithFiles, passing files to the guest.
func (o *Connect) DomainCreateXMLWithFiles(xmlConfig string, files []os.File, flags DomainCreateFlags) (*Domain, error) {
	var err C.virError
	cxml := C.CString(xmlConfig)
	defer C.free(unsafe.Pointer(cxml))
	cfds := fds(files)
	ptr := C.virDomainCreateXMLWithFilesWrapper(o.cptr(), cxml, C.uint(len(files)), &cfds[0], C.uint(flags), &err)
	if ptr == nil {
		return nil, makeError(&err)
	}
	return newDomain(ptr), nil
}

// CreateWithFiles calls virDomainCreateWithFiles, passing files to the guest.
func (o *Domain) CreateWithFiles(files []os.File, flags DomainCreateFlags) error {
	var err C.virError
	cfds := fds(files)
	if C.virDomainCreateWithFilesWrapper(o.cptr(), C.uint(len(files)), &cfds[0], C.uint(flags), &err) < 0 {
		return makeError(&err)
	}
	return nil
}

// FDAssociate calls virDomainFDAssociate.
func (o *Domain) FDAssociate(name string, files []os.File, flags DomainFDAssociateFlags) error {
	var err C.virError
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	cfds := fds(files)
	if C.virDomainFDAssociateWrapper(o.cptr(), cname, C.uint(len(files)), &cfds[0], C.uint(flags), &err) < 0 {
		return makeError(&err)
	}
	return nil
}

// QemuMonitorCommandWithFiles calls virDomainQemuMonitorCommandWithFiles: the reply and the
// files QEMU passed back.
func (o *Domain) QemuMonitorCommandWithFiles(command string, infiles []os.File, flags DomainQemuMonitorCommandFlags) (string, []*os.File, error) {
	var err C.virError
	ccmd := C.CString(command)
	defer C.free(unsafe.Pointer(ccmd))
	cfds := fds(infiles)
	var nout C.uint
	var outfds *C.int
	var result *C.char
	if C.virDomainQemuMonitorCommandWithFilesWrapper(o.cptr(), ccmd, C.uint(len(infiles)), &cfds[0], &nout, &outfds,
		&result, C.uint(flags), &err) < 0 {
		return "", nil, makeError(&err)
	}
	reply := C.GoString(result)
	C.free(unsafe.Pointer(result))
	return reply, newFiles(outfds, int(nout)), nil
}

// LxcOpenNamespace calls virDomainLxcOpenNamespace: the container's namespaces as files.
func (o *Domain) LxcOpenNamespace(flags uint32) ([]os.File, error) {
	var err C.virError
	var cfds *C.int
	n := C.virDomainLxcOpenNamespaceWrapper(o.cptr(), &cfds, C.uint(flags), &err)
	if n < 0 {
		return nil, makeError(&err)
	}
	return fileValues(newFiles(cfds, int(n))), nil
}

// LxcEnterNamespace calls virDomainLxcEnterNamespace: enters the namespaces of fdlist and gives
// the ones left as files.
func (o *Domain) LxcEnterNamespace(fdlist []os.File, flags uint32) ([]os.File, error) {
	var err C.virError
	cfds := fds(fdlist)
	var nold C.uint
	var oldfds *C.int
	if C.virDomainLxcEnterNamespaceWrapper(o.cptr(), C.uint(len(fdlist)), &cfds[0], &nold, &oldfds, C.uint(flags), &err) < 0 {
		return nil, makeError(&err)
	}
	return fileValues(newFiles(oldfds, int(nold))), nil
}
