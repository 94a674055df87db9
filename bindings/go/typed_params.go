package libvirt

/*
#include <stdlib.h>
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// typedParam is one field of a generated parameter struct (DomainBlkioParameters, ...): the
// parameter's name in libvirt, the field's Set flag and a pointer to its value.
type typedParam struct {
	name  string
	set   *bool
	value any // *int, *uint, *int64, *uint64, *float64, *bool, *string or *[]string
}

func typedParamType(value any) C.int {
	switch value.(type) {
	case *int:
		return C.VIR_TYPED_PARAM_INT
	case *uint:
		return C.VIR_TYPED_PARAM_UINT
	case *int64:
		return C.VIR_TYPED_PARAM_LLONG
	case *uint64:
		return C.VIR_TYPED_PARAM_ULLONG
	case *float64:
		return C.VIR_TYPED_PARAM_DOUBLE
	case *bool:
		return C.VIR_TYPED_PARAM_BOOLEAN
	}
	return C.VIR_TYPED_PARAM_STRING
}

var typedParamTypeNames = map[C.int]string{C.VIR_TYPED_PARAM_INT: "int", C.VIR_TYPED_PARAM_UINT: "uint",
	C.VIR_TYPED_PARAM_LLONG: "llong", C.VIR_TYPED_PARAM_ULLONG: "ullong", C.VIR_TYPED_PARAM_DOUBLE: "double",
	C.VIR_TYPED_PARAM_BOOLEAN: "boolean", C.VIR_TYPED_PARAM_STRING: "string"}

// typedParamsAlloc allocates n zeroed C parameters (never a NULL pointer, as C callers pass
// an array even when it is empty); free them with C.virTypedParamsFree.
func typedParamsAlloc(n C.int) *C.virTypedParameter {
	return (*C.virTypedParameter)(C.calloc(C.size_t(max(n, 1)), C.sizeof_virTypedParameter))
}

func typedParamsFree(cparams *C.virTypedParameter, n C.int) {
	C.virTypedParamsFree(cparams, n)
}

// typedParamsFromC sets the fields the C parameters name, with their Set flags. A name the
// struct does not have is skipped: a newer libvirt may return more than this package knows.
func typedParamsFromC(cparams *C.virTypedParameter, n C.int, fields []typedParam) error {
	if cparams == nil || n <= 0 {
		return nil
	}
	for i := range unsafe.Slice(cparams, int(n)) {
		cp := &unsafe.Slice(cparams, int(n))[i]
		name := C.GoString(&cp.field[0])
		for _, f := range fields {
			if f.name != name {
				continue
			}
			if want := typedParamType(f.value); cp._type != want {
				return Error{Code: ERR_INTERNAL_ERROR, Domain: FROM_NONE, Level: ERR_ERROR,
					Message: fmt.Sprintf("internal error: parameter '%s' has type '%s', expected '%s'",
						name, typedParamTypeNames[cp._type], typedParamTypeNames[want])}
			}
			value := unsafe.Pointer(&cp.value[0])
			switch v := f.value.(type) {
			case *int:
				*v = int(*(*C.int)(value))
			case *uint:
				*v = uint(*(*C.uint)(value))
			case *int64:
				*v = int64(*(*C.longlong)(value))
			case *uint64:
				*v = uint64(*(*C.ulonglong)(value))
			case *float64:
				*v = float64(*(*C.double)(value))
			case *bool:
				*v = *(*C.char)(value) != 0
			case *string:
				*v = C.GoString(*(**C.char)(value))
			case *[]string:
				*v = append(*v, C.GoString(*(**C.char)(value)))
			}
			*f.set = true
			break
		}
	}
	return nil
}

// typedParamsToC builds the C parameters of the fields whose Set flag is true (one per element
// of a list); free them with C.virTypedParamsFree.
func typedParamsToC(fields []typedParam) (*C.virTypedParameter, C.int) {
	n := 0
	for _, f := range fields {
		if !*f.set {
			continue
		}
		if list, ok := f.value.(*[]string); ok {
			n += len(*list)
		} else {
			n++
		}
	}
	cparams := typedParamsAlloc(C.int(n))
	all := unsafe.Slice(cparams, n)
	i := 0
	add := func(name string, typ C.int) unsafe.Pointer {
		cp := &all[i]
		i++
		for j := 0; j < len(name) && j < len(cp.field)-1; j++ {
			cp.field[j] = C.char(name[j])
		}
		cp._type = typ
		return unsafe.Pointer(&cp.value[0])
	}
	for _, f := range fields {
		if !*f.set {
			continue
		}
		typ := typedParamType(f.value)
		switch v := f.value.(type) {
		case *int:
			*(*C.int)(add(f.name, typ)) = C.int(*v)
		case *uint:
			*(*C.uint)(add(f.name, typ)) = C.uint(*v)
		case *int64:
			*(*C.longlong)(add(f.name, typ)) = C.longlong(*v)
		case *uint64:
			*(*C.ulonglong)(add(f.name, typ)) = C.ulonglong(*v)
		case *float64:
			*(*C.double)(add(f.name, typ)) = C.double(*v)
		case *bool:
			var b C.char
			if *v {
				b = 1
			}
			*(*C.char)(add(f.name, typ)) = b
		case *string:
			*(**C.char)(add(f.name, typ)) = C.CString(*v)
		case *[]string:
			for _, s := range *v {
				*(**C.char)(add(f.name, typ)) = C.CString(s)
			}
		}
	}
	return cparams, C.int(n)
}

// GetSchedulerParameters calls virDomainGetSchedulerType, for the scheduler and the number of
// its parameters, then virDomainGetSchedulerParameters.
func (o *Domain) GetSchedulerParameters() (*DomainSchedulerParameters, error) {
	return o.schedulerParameters(false, 0)
}

// GetSchedulerParametersFlags calls virDomainGetSchedulerType, for the scheduler and the number
// of its parameters, then virDomainGetSchedulerParametersFlags.
func (o *Domain) GetSchedulerParametersFlags(flags DomainModificationImpact) (*DomainSchedulerParameters, error) {
	return o.schedulerParameters(true, flags)
}

func (o *Domain) schedulerParameters(withFlags bool, flags DomainModificationImpact) (*DomainSchedulerParameters, error) {
	var err C.virError
	var n C.int
	scheduler := C.virDomainGetSchedulerTypeWrapper(o.cptr(), &n, &err)
	if scheduler == nil {
		return nil, makeError(&err)
	}
	params := &DomainSchedulerParameters{Type: C.GoString(scheduler)}
	C.free(unsafe.Pointer(scheduler))
	if n <= 0 {
		return params, nil
	}
	cparams := typedParamsAlloc(n)
	defer func() { C.virTypedParamsFree(cparams, n) }()
	var ret C.int
	if withFlags {
		ret = C.virDomainGetSchedulerParametersFlagsWrapper(o.cptr(), cparams, &n, C.uint(flags), &err)
	} else {
		ret = C.virDomainGetSchedulerParametersWrapper(o.cptr(), cparams, &n, &err)
	}
	if ret < 0 {
		return nil, makeError(&err)
	}
	if e := typedParamsFromC(cparams, n, params.typedParams()); e != nil {
		return nil, e
	}
	return params, nil
}
