#pragma once
/// The one include of the Herald C++ SDK: a header-only layer over herald/abi.h that lets a
/// plugin be a plain class. See sdk/examples/hello_notifier for a complete plugin.
#include <herald/abi.h>
#include <herald/version.hpp>
#include <herald/host.hpp>
#include <herald/event.hpp>
#include <herald/result.hpp>
#include <herald/plugin.hpp>
