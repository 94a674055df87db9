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

// The test driver serves tuning parameters as libvirt's does; each group goes through its
// struct both ways.
func TestTuningParametersThroughTheTestDriver(t *testing.T) {
	c := open(t)
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()

	sched, err := d.GetSchedulerParameters()
	if err != nil || sched.Type != "fair" || !sched.WeightSet || sched.Weight != 50 || sched.CapSet {
		t.Fatalf("GetSchedulerParameters = %+v, %v", sched, err)
	}

	mem, err := d.GetMemoryParameters(DOMAIN_AFFECT_LIVE)
	if err != nil || !mem.HardLimitSet || mem.HardLimit != 9007199254740991 || !mem.SwapHardLimitSet || mem.MinGuaranteeSet {
		t.Fatalf("GetMemoryParameters = %+v, %v", mem, err)
	}

	blkio, err := d.GetBlkioParameters(DOMAIN_AFFECT_LIVE)
	if err != nil || !blkio.WeightSet || !blkio.DeviceWeightSet {
		t.Fatalf("GetBlkioParameters = %+v, %v", blkio, err)
	}
	old := blkio.Weight
	if err := d.SetBlkioParameters(&DomainBlkioParameters{WeightSet: true, Weight: 500}, DOMAIN_AFFECT_LIVE); err != nil {
		t.Fatalf("SetBlkioParameters: %v", err)
	}
	defer d.SetBlkioParameters(&DomainBlkioParameters{WeightSet: true, Weight: old}, DOMAIN_AFFECT_LIVE)
	if blkio, err = d.GetBlkioParameters(DOMAIN_AFFECT_LIVE); err != nil || blkio.Weight != 500 {
		t.Fatalf("weight after SetBlkioParameters = %+v, %v", blkio, err)
	}

	perf, err := d.GetPerfEvents(DOMAIN_AFFECT_LIVE)
	if err != nil || !perf.CmtSet || perf.Cmt || !perf.EmulationFaultsSet {
		t.Fatalf("GetPerfEvents = %+v, %v", perf, err)
	}
	if err := d.SetPerfEvents(&DomainPerfEvents{CmtSet: true, Cmt: true}, DOMAIN_AFFECT_LIVE); err != nil {
		t.Fatalf("SetPerfEvents: %v", err)
	}
	defer d.SetPerfEvents(&DomainPerfEvents{CmtSet: true, Cmt: false}, DOMAIN_AFFECT_LIVE)
	if perf, err = d.GetPerfEvents(DOMAIN_AFFECT_LIVE); err != nil || !perf.Cmt || perf.CpuCycles {
		t.Fatalf("cmt after SetPerfEvents = %+v, %v", perf, err)
	}

	numa, err := d.GetNumaParameters(DOMAIN_AFFECT_LIVE)
	if err != nil || !numa.ModeSet || !numa.NodesetSet {
		t.Fatalf("GetNumaParameters = %+v, %v", numa, err)
	}

	// the driver checks the types of what it is given: a field of the wrong kind cannot be
	// sent from a struct, so a parameter the group does not have is the error to see
	err = d.SetMemoryParameters(&DomainMemoryParameters{HardLimitSet: true, HardLimit: 1, SwapHardLimitSet: true, SwapHardLimit: 0},
		DOMAIN_AFFECT_LIVE)
	var lerr Error
	if !errors.As(err, &lerr) || lerr.Code != ERR_INVALID_ARG {
		t.Fatalf("a hard limit above the swap limit: %v", err)
	}
}
