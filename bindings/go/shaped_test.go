package libvirt

import (
	"errors"
	"reflect"
	"testing"
)

func TestCPUMapPacking(t *testing.T) {
	cpus := []bool{true, false, true, false, false, false, false, false, false, true}
	m := packCPUMap(cpus)
	if len(m) != 2 || m[0] != 0x05 || m[1] != 0x02 {
		t.Fatalf("packCPUMap = %v, want [5 2]", m)
	}
	if back := cpuBools(m, len(cpus)); !reflect.DeepEqual(back, cpus) {
		t.Fatalf("cpuBools = %v, want %v", back, cpus)
	}
	if m := packCPUMap(nil); len(m) != 1 || m[0] != 0 {
		t.Fatalf("an empty map is one zero byte (C needs a pointer): %v", m)
	}
}

func TestRefTakesAReferenceFreeGivesBack(t *testing.T) {
	c := open(t)
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Ref(); err != nil {
		t.Fatalf("Ref: %v", err)
	}
	// two references: two Frees succeed, a third finds nothing to free
	for i := 0; i < 2; i++ {
		if err := d.Free(); err != nil {
			t.Fatalf("Free %d: %v", i+1, err)
		}
		if _, err := d.GetName(); i == 0 && err != nil {
			t.Fatalf("the domain after giving back one of two references: %v", err)
		}
	}
	var lerr Error
	if err := d.Free(); !errors.As(err, &lerr) || lerr.Code != ERR_INVALID_DOMAIN {
		t.Fatalf("a third Free: %v", err)
	}
}

func TestDomainGetConnectHoldsItsOwnReference(t *testing.T) {
	c := open(t)
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	conn, err := d.DomainGetConnect()
	if err != nil {
		t.Fatalf("DomainGetConnect: %v", err)
	}
	if uri, err := conn.GetURI(); err != nil || uri != testURI {
		t.Fatalf("GetURI of the domain's connection = %q, %v", uri, err)
	}
	if _, err := conn.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// the caller's connection is still open
	if _, err := c.GetHostname(); err != nil {
		t.Fatalf("the original connection after closing the domain's: %v", err)
	}
}

func TestNodeInfoMaxCPUs(t *testing.T) {
	info, err := open(t).GetNodeInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.GetMaxCPUs() != 16 || info.MHz != 1400 {
		t.Fatalf("GetMaxCPUs = %d, MHz = %d; the test node has 2 nodes x 2 sockets x 2 cores x 2 threads at 1400 MHz",
			info.GetMaxCPUs(), info.MHz)
	}
}

func TestFilesReachTheDriver(t *testing.T) {
	c := open(t)
	xml := "<domain type='test'><name>withfiles</name><memory>1024</memory><os><type>hvm</type></os></domain>"
	// the test driver, as libvirt's, does not take files: the driver's answer comes back
	_, err := c.DomainCreateXMLWithFiles(xml, nil, 0)
	var lerr Error
	if !errors.As(err, &lerr) || lerr.Code != ERR_NO_SUPPORT ||
		lerr.Message != "this function is not supported by the connection driver: virDomainCreateXMLWithFiles" {
		t.Fatalf("DomainCreateXMLWithFiles: %v", err)
	}
}

func TestNodeMemoryStatisticsComeBackAsDriverErrors(t *testing.T) {
	// the test driver does not serve node memory statistics (libvirt's does not either)
	stats, err := open(t).GetMemoryStats(-1, 0)
	var lerr Error
	if !errors.As(err, &lerr) || lerr.Code != ERR_NO_SUPPORT || stats != nil {
		t.Fatalf("GetMemoryStats = %v, %v; want nil and VIR_ERR_NO_SUPPORT", stats, err)
	}
}

func TestStreamLoopsStopOnErrors(t *testing.T) {
	c := open(t)
	s, err := c.NewStream(0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Free()
	// the handler's own error ends SendAll with that error
	boom := errors.New("boom")
	calls := 0
	err = s.SendAll(func(_ *Stream, n int) ([]byte, error) {
		calls++
		if n != 64*1024 {
			t.Errorf("SendAll asked for %d bytes, want 65536", n)
		}
		return nil, boom
	})
	if err != boom || calls != 1 {
		t.Fatalf("SendAll with a failing source = %v after %d calls", err, calls)
	}
	// a stream no driver call has attached refuses data: the library's error comes back
	s2, _ := c.NewStream(0)
	defer s2.Free()
	err = s2.SendAll(func(*Stream, int) ([]byte, error) { return []byte("data"), nil })
	var lerr Error
	if !errors.As(err, &lerr) || lerr.Domain != FROM_STREAMS {
		t.Fatalf("SendAll on an unattached stream: %v", err)
	}
	s3, _ := c.NewStream(0)
	defer s3.Free()
	err = s3.RecvAll(func(*Stream, []byte) (int, error) { t.Error("no data to sink"); return 0, nil })
	if !errors.As(err, &lerr) || lerr.Domain != FROM_STREAMS {
		t.Fatalf("RecvAll on an unattached stream: %v", err)
	}
}
