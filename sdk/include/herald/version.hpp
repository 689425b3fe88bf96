#pragma once
#include <herald/abi.h>

/// Everything in the C++ SDK lives in an inline namespace named for the ABI major, so two SDK
/// majors never collide inside one process (the nlohmann json_abi_v… technique).
#define HERALD_SDK_NAMESPACE_BEGIN namespace herald { namespace sdk { inline namespace v1 {
#define HERALD_SDK_NAMESPACE_END } } }
