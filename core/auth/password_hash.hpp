#pragma once
#include <string>

namespace herald::core {

/// "$pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>": PBKDF2-HMAC-SHA256 from OpenSSL with a
/// random 16-byte salt; slow on purpose (600 000 iterations, OWASP's 2023 advice).
std::string hash_password(const std::string& password, int iterations = 600000);

/// Constant-time check of a password against a hash made by hash_password.
bool verify_password(const std::string& password, const std::string& encoded);

std::string base64_encode(const std::string& bytes);
/// Returns false on malformed input.
bool base64_decode(const std::string& text, std::string& out);

}  // namespace herald::core
