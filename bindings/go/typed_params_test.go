package libvirt

import (
	"errors"
	"reflect"
	"testing"
)

func TestTypedParamsRoundTripEveryType(t *testing.T) {
	in := DomainMigrateParameters{
		URISet: true, URI: "tcp://dest",
		DestXMLSet: true, DestXML: "<domain/>",
		BandwidthSet: true, Bandwidth: 1 << 40,
		ParallelConnectionsSet: true, ParallelConnections: -3,
		MigrateDisksSet: true, MigrateDisks: []string{"vda", "vdb"},
		DestName: "not sent: its Set flag is false",
	}
	cparams, n := typedParamsToC(in.typedParams())
	defer typedParamsFree(cparams, n)
	if n != 6 {
		t.Fatalf("%d C parameters, want 6 (one per element of a list)", n)
	}
	var out DomainMigrateParameters
	if err := typedParamsFromC(cparams, n, out.typedParams()); err != nil {
		t.Fatal(err)
	}
	in.DestName = ""
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", out, in)
	}

	perf := DomainPerfEvents{CmtSet: true, Cmt: true, CpuCyclesSet: true}
	cparams2, n2 := typedParamsToC(perf.typedParams())
	defer typedParamsFree(cparams2, n2)
	var perfOut DomainPerfEvents
	if err := typedParamsFromC(cparams2, n2, perfOut.typedParams()); err != nil || !reflect.DeepEqual(perf, perfOut) {
		t.Fatalf("booleans: got %+v, %v; want %+v", perfOut, err, perf)
	}

	sched := DomainSchedulerParameters{VcpuQuotaSet: true, VcpuQuota: -1, CapSet: true, Cap: 7}
	cparams3, n3 := typedParamsToC(sched.typedParams())
	defer typedParamsFree(cparams3, n3)
	var schedOut DomainSchedulerParameters
	if err := typedParamsFromC(cparams3, n3, schedOut.typedParams()); err != nil || !reflect.DeepEqual(sched, schedOut) {
		t.Fatalf("llong and uint: got %+v, %v; want %+v", schedOut, err, sched)
	}
}

func TestTypedParamsUnknownNamesAreSkippedAndWrongTypesRefused(t *testing.T) {
	// parameters a newer libvirt may send: a name the struct does not have
	set := true
	other, value := "x", "y"
	cparams, n := typedParamsToC([]typedParam{{"no_such_parameter", &set, &other}, {"weight", &set, &value}})
	defer typedParamsFree(cparams, n)
	var blkio DomainBlkioParameters
	err := typedParamsFromC(cparams, n, blkio.typedParams())
	var lerr Error
	if !errors.As(err, &lerr) || lerr.Code != ERR_INTERNAL_ERROR ||
		lerr.Message != "internal error: parameter 'weight' has type 'string', expected 'uint'" {
		t.Fatalf("a string weight: %v", err)
	}
	cparams2, n2 := typedParamsToC([]typedParam{{"no_such_parameter", &set, &other}})
	defer typedParamsFree(cparams2, n2)
	blkio = DomainBlkioParameters{}
	if err := typedParamsFromC(cparams2, n2, blkio.typedParams()); err != nil || blkio != (DomainBlkioParameters{}) {
		t.Fatalf("an unknown name: %+v, %v", blkio, err)
	}
}

func TestTypedParamsNilStructSendsNone(t *testing.T) {
	c := open(t)
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	// nil sends no parameters, and libvirt's own check answers (not a crash on NULL)
	err = d.SetMemoryParameters(nil, DOMAIN_AFFECT_LIVE)
	var lerr Error
	if !errors.As(err, &lerr) || lerr.Code != ERR_INVALID_ARG ||
		lerr.Message != "nparams in virDomainSetMemoryParameters must be greater than zero" {
		t.Fatalf("SetMemoryParameters(nil): %v", err)
	}
}
