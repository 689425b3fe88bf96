#include "auth/password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace herald::core {

std::string base64_encode(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

bool base64_decode(const std::string& text, std::string& out) {
    if (text.size() % 4 != 0) return false;
    out.assign(3 * text.size() / 4 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return false;
    std::size_t len = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    if (!text.empty() && text.back() == '=') --len;
    if (text.size() > 1 && text[text.size() - 2] == '=') --len;
    out.resize(len);
    return true;
}

namespace {

std::string derive(const std::string& password, const std::string& salt, int iterations) {
    std::string key(32, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(key.size()),
                          reinterpret_cast<unsigned char*>(key.data())) != 1)
        throw std::runtime_error("PBKDF2 failed");
    return key;
}

}  // namespace

std::string hash_password(const std::string& password, int iterations) {
    std::string salt(16, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
        throw std::runtime_error("no randomness available for the salt");
    return "$pbkdf2-sha256$" + std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
           base64_encode(derive(password, salt, iterations));
}

bool verify_password(const std::string& password, const std::string& encoded) {
    const std::string prefix = "$pbkdf2-sha256$";
    if (encoded.rfind(prefix, 0) != 0) return false;
    std::vector<std::string> parts;
    std::size_t start = prefix.size();
    while (true) {
        auto d = encoded.find('$', start);
        parts.push_back(encoded.substr(start, d == std::string::npos ? std::string::npos : d - start));
        if (d == std::string::npos) break;
        start = d + 1;
    }
    if (parts.size() != 3) return false;
    int iterations = 0;
    try {
        iterations = std::stoi(parts[0]);
    } catch (const std::exception&) {
        return false;
    }
    std::string salt, expected;
    if (iterations <= 0 || !base64_decode(parts[1], salt) || !base64_decode(parts[2], expected)) return false;
    const std::string actual = derive(password, salt, iterations);
    return actual.size() == expected.size() && CRYPTO_memcmp(actual.data(), expected.data(), actual.size()) == 0;
}

}  // namespace herald::core
