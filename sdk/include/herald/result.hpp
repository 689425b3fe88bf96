#pragma once
#include <herald/abi.h>
#include <herald/version.hpp>

#include <chrono>
#include <optional>
#include <string>

HERALD_SDK_NAMESPACE_BEGIN

/// How a delivery went. Build one with the named constructors:
///   return delivery_result::retry("HTTP 503 from https://x/", std::chrono::seconds(30)).with_status(503);
struct delivery_result {
    herald_outcome outcome = HERALD_OUTCOME_FAILED;
    std::string message;
    std::optional<std::chrono::milliseconds> retry_after;
    int status_code = 0;
    std::string response_excerpt;

    static delivery_result ok(std::string msg = {}) { return make(HERALD_OUTCOME_OK, std::move(msg)); }
    static delivery_result failed(std::string msg) { return make(HERALD_OUTCOME_FAILED, std::move(msg)); }
    static delivery_result gone(std::string msg) { return make(HERALD_OUTCOME_GONE, std::move(msg)); }
    static delivery_result skipped(std::string msg) { return make(HERALD_OUTCOME_SKIPPED, std::move(msg)); }
    static delivery_result retry(std::string msg, std::optional<std::chrono::milliseconds> after = std::nullopt) {
        delivery_result r = make(HERALD_OUTCOME_RETRY, std::move(msg));
        r.retry_after = after;
        return r;
    }

    delivery_result& with_status(int code) { status_code = code; return *this; }
    delivery_result& with_response(std::string excerpt) { response_excerpt = std::move(excerpt); return *this; }

private:
    static delivery_result make(herald_outcome o, std::string msg) {
        delivery_result r;
        r.outcome = o;
        r.message = std::move(msg);
        return r;
    }
};

HERALD_SDK_NAMESPACE_END
