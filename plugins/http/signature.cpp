#include "signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace herald::http {

namespace {

std::string b64_encode(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::string b64_decode(const std::string& text) {
    if (text.empty() || text.size() % 4 != 0) throw std::invalid_argument("the secret is not valid base64");
    std::string out(3 * text.size() / 4 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) throw std::invalid_argument("the secret is not valid base64");
    std::size_t len = static_cast<std::size_t>(n);
    if (text.back() == '=') --len;
    if (text[text.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

}  // namespace

std::string sign_v1(const std::string& secret, const std::string& id, long long timestamp, const std::string& body) {
    const std::string prefix = "whsec_";
    if (secret.rfind(prefix, 0) != 0) throw std::invalid_argument("a signing secret must start with whsec_");
    const std::string key = b64_decode(secret.substr(prefix.size()));
    const std::string content = id + "." + std::to_string(timestamp) + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len) == nullptr)
        throw std::runtime_error("HMAC-SHA256 failed");
    return "v1," + b64_encode(mac, mac_len);
}

std::string signature_header(const std::vector<std::string>& secrets, const std::string& id, long long timestamp,
                             const std::string& body) {
    std::string out;
    for (const auto& s : secrets) out += (out.empty() ? "" : " ") + sign_v1(s, id, timestamp, body);
    return out;
}

}  // namespace herald::http
