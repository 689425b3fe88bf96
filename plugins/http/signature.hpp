#pragma once
// Standard Webhooks v1 signatures: base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
// key = the base64-decoded part of "whsec_…".
#include <stdexcept>
#include <string>
#include <vector>

namespace herald::http {

/// "v1,<base64 signature>". Throws std::invalid_argument for a secret that is not whsec_+base64.
std::string sign_v1(const std::string& secret, const std::string& id, long long timestamp, const std::string& body);

/// The webhook-signature header value: one "v1,…" per secret, space-separated (rotation).
std::string signature_header(const std::vector<std::string>& secrets, const std::string& id, long long timestamp,
                             const std::string& body);

}  // namespace herald::http
