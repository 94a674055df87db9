// Package libvirt is virthub's Go binding, in the shape of libvirt.org/go/libvirt: code
// written for libvirt-go-module ports by changing the import path to virthub.org/go/libvirt.
//
// Most of the package is generated from virthub's API description (libvirt_generated.go,
// libvirt_wrappers.[ch]; do not edit them: generator/generate.py --go bindings/go rewrites
// them). Building needs virthub's headers and library:
//
//	CGO_CFLAGS=-I<build>/gen/include CGO_LDFLAGS="-L<build>/capi -Wl,-rpath,<build>/capi" go build
package libvirt

/*
#cgo LDFLAGS: -lvirt -lvirt-qemu -lvirt-lxc
#include <stdlib.h>
#include <libvirt/virterror.h>

static void quiet(void *userData, virErrorPtr err) { (void)userData; (void)err; }
static void quietErrors(void) { virSetErrorFunc(NULL, quiet); }
*/
import "C"

import "fmt"

// Errors are returned; libvirt's default of also printing them is turned off, as
// libvirt-go-module does.
func init() {
	C.quietErrors()
}

// Error is a failed call's libvirt error, copied in the same C call as the call itself (a
// goroutine may run its next cgo call on another OS thread, and libvirt's error is per thread).
type Error struct {
	Code    ErrorNumber
	Domain  ErrorDomain
	Message string
	Level   ErrorLevel
}

func (err Error) Error() string {
	return fmt.Sprintf("virError(Code=%d, Domain=%d, Message='%s')", err.Code, err.Domain, err.Message)
}

// Is matches another Error by code and domain, for errors.Is.
func (err Error) Is(target error) bool {
	t, ok := target.(Error)
	return ok && t.Code == err.Code && t.Domain == err.Domain
}

func makeError(err *C.virError) Error {
	e := Error{
		Code:    ErrorNumber(err.code),
		Domain:  ErrorDomain(err.domain),
		Message: C.GoString(err.message),
		Level:   ErrorLevel(err.level),
	}
	C.virResetError(err)
	return e
}

// invalidArg is the error for an argument Go rejects before calling libvirt.
func invalidArg(name string) Error {
	return Error{Code: ERR_INVALID_ARG, Domain: FROM_NONE, Message: "invalid argument: " + name, Level: ERR_ERROR}
}
