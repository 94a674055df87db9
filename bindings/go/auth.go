package libvirt

/*
#include <stdlib.h>
#include "auth_helper.h"
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// ConnectCredential is one credential libvirt asks for; the callback sets Result.
type ConnectCredential struct {
	Type      ConnectCredentialType
	Prompt    string
	Challenge string
	DefResult string
	Result    string
	ResultLen int
}

// ConnectAuthCallback fills the results of the credentials it is given.
type ConnectAuthCallback func(creds []*ConnectCredential)

// ConnectAuth says which credential types the callback can answer.
type ConnectAuth struct {
	CredType []ConnectCredentialType
	Callback ConnectAuthCallback
}

// NewConnectWithAuth calls virConnectOpenAuth; auth may be nil.
func NewConnectWithAuth(uri string, auth *ConnectAuth, flags ConnectFlags) (*Connect, error) {
	var cURI *C.char
	if uri != "" {
		cURI = C.CString(uri)
		defer C.free(unsafe.Pointer(cURI))
	}
	var types []C.int
	var callback ConnectAuthCallback
	if auth != nil {
		for _, t := range auth.CredType {
			types = append(types, C.int(t))
		}
		callback = auth.Callback
	}
	var cTypes *C.int
	if len(types) > 0 {
		// C memory: libvirt keeps the array for the length of the call
		cTypes = (*C.int)(C.malloc(C.size_t(len(types)) * C.size_t(unsafe.Sizeof(C.int(0)))))
		defer C.free(unsafe.Pointer(cTypes))
		copy(unsafe.Slice(cTypes, len(types)), types)
	}
	h := cgo.NewHandle(callback)
	defer h.Delete()
	var err C.virError
	ptr := C.vhOpenAuth(cURI, cTypes, C.uint(len(types)), C.uintptr_t(h), C.uint(flags), &err)
	if ptr == nil {
		return nil, makeError(&err)
	}
	return newConnect(ptr), nil
}

// NewConnectWithAuthDefault calls virConnectOpenAuth with libvirt's default credentials
// callback (virConnectAuthPtrDefault).
func NewConnectWithAuthDefault(uri string, flags ConnectFlags) (*Connect, error) {
	var cURI *C.char
	if uri != "" {
		cURI = C.CString(uri)
		defer C.free(unsafe.Pointer(cURI))
	}
	var err C.virError
	ptr := C.virConnectOpenAuthWrapper(cURI, C.virConnectAuthPtrDefault, C.uint(flags), &err)
	if ptr == nil {
		return nil, makeError(&err)
	}
	return newConnect(ptr), nil
}
