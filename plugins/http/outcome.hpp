#pragma once
// What an HTTP answer means for delivery: the status classes of the Standard Webhooks guidance.
#include <herald/result.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace herald::http {

/// 2xx ok; 408, 425, 429, 5xx retry (with Retry-After); 410 gone; 3xx and other 4xx failed.
herald::sdk::delivery_result classify(int status, const std::string& url, const std::string& retry_after,
                                      std::chrono::system_clock::time_point now);

/// Retry-After as delta-seconds or an HTTP-date; nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

/// The URL without user:password@, for messages and logs.
std::string redact_url(const std::string& url);

}  // namespace herald::http
