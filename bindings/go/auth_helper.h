/* The credentials callback of NewConnectWithAuth (auth.go, auth_helper.c). */
#pragma once
#include <stdint.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

virConnectPtr vhOpenAuth(const char *uri, int *credtypes, unsigned int ncredtypes, uintptr_t handle,
                         unsigned int flags, virErrorPtr err);
