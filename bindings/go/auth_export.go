package libvirt

/*
#include <stdlib.h>
#include <stdint.h>
#include <libvirt/libvirt.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

//export vhGoAuthCallback
func vhGoAuthCallback(cred *C.virConnectCredential, ncred C.uint, h C.uintptr_t) C.int {
	callback, _ := cgo.Handle(h).Value().(ConnectAuthCallback)
	if callback == nil {
		return -1
	}
	cCreds := unsafe.Slice(cred, int(ncred))
	creds := make([]*ConnectCredential, len(cCreds))
	for i, c := range cCreds {
		creds[i] = &ConnectCredential{
			Type:      ConnectCredentialType(c._type),
			Prompt:    C.GoString(c.prompt),
			Challenge: C.GoString(c.challenge),
			DefResult: C.GoString(c.defresult),
		}
	}
	callback(creds)
	for i := range cCreds {
		// libvirt frees each result
		cCreds[i].result = C.CString(creds[i].Result)
		cCreds[i].resultlen = C.uint(len(creds[i].Result))
	}
	return 0
}
