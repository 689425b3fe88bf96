#include "auth/authorizer.hpp"

#include "auth/password_hash.hpp"

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace herald::core {

using nlohmann::json;

namespace {

std::string with_slashes(std::string p) {
    if (p.empty() || p.front() != '/') p.insert(p.begin(), '/');
    if (p.back() != '/') p.push_back('/');
    return p;
}

// OpenSSL 3's one-shot SHA256() looks the algorithm up in the provider registry on every call,
// under a lock every request thread shares: the ingest profile put libcrypto at 7 % of CPU for
// one small hash per request. The algorithm is fetched once; each thread keeps its own context.
EVP_MD_CTX& sha256_context() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!md || !ctx || !EVP_DigestInit_ex2(ctx.get(), md, nullptr))
        throw std::runtime_error("OpenSSL cannot compute SHA-256");
    return *ctx;
}

std::string cache_key(const std::string& login, const std::string& password, const std::string& hash) {
    EVP_MD_CTX& ctx = sha256_context();
    const char separator = '\0';
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestUpdate(&ctx, hash.data(), hash.size());
    EVP_DigestUpdate(&ctx, &separator, 1);
    EVP_DigestUpdate(&ctx, login.data(), login.size());
    EVP_DigestUpdate(&ctx, &separator, 1);
    EVP_DigestUpdate(&ctx, password.data(), password.size());
    EVP_DigestFinal_ex(&ctx, digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

const char* authorizer::operation_name(herald_operation op) {
    switch (op) {
        case HERALD_OP_CREATE: return "CREATE";
        case HERALD_OP_READ: return "READ";
        case HERALD_OP_UPDATE: return "UPDATE";
        case HERALD_OP_DELETE: return "DELETE";
        case HERALD_OP_EXECUTE: return "EXECUTE";
    }
    return "UNKNOWN";
}

authorizer::authorizer(const json& users) {
    for (const auto& u : users) {
        user x;
        x.password_hash = u.at("password_hash").get<std::string>();
        x.superuser = u.value("superuser", false);
        if (auto p = u.find("permissions"); p != u.end())
            for (auto it = p->begin(); it != p->end(); ++it)
                for (const auto& op : *it) x.permissions[with_slashes(it.key())].insert(op.get<std::string>());
        users_[u.at("login").get<std::string>()] = std::move(x);
    }
}

bool authorizer::permitted(const std::string& login, const std::string& path, herald_operation op) const {
    auto it = users_.find(login);
    if (it == users_.end()) return false;
    if (it->second.superuser) return true;
    const std::string wanted = operation_name(op);
    // /v2/events/<id>/ → /v2/events/ → /v2/ → /
    std::string p = with_slashes(path);
    while (true) {
        if (auto g = it->second.permissions.find(p); g != it->second.permissions.end() && g->second.count(wanted))
            return true;
        if (p == "/") return false;
        p.pop_back();
        p.erase(p.rfind('/') + 1);
    }
}

bool authorizer::check_password(const std::string& login, const user& u, const std::string& password) {
    const std::string key = cache_key(login, password, u.password_hash);
    std::shared_future<bool> pending;
    std::optional<std::promise<bool>> mine;  // made only on a miss: every fire passes through here
    {
        std::lock_guard lock(cache_mutex_);
        if (verified_.count(key)) return true;
        if (auto it = verifying_.find(key); it != verifying_.end()) pending = it->second;
        else verifying_.emplace(key, mine.emplace().get_future().share());
    }
    if (pending.valid()) return pending.get();  // another request is verifying these credentials
    const bool ok = verify_password(password, u.password_hash);
    {
        std::lock_guard lock(cache_mutex_);
        if (ok) verified_.insert(key);
        verifying_.erase(key);
    }
    mine->set_value(ok);
    return ok;
}

reply authorizer::authorize(const std::string& header, const std::string& path, herald_operation op) {
    const std::string scheme = "Basic ";
    std::string decoded;
    if (header.size() <= scheme.size() || header.compare(0, scheme.size(), scheme) != 0 ||
        !base64_decode(header.substr(scheme.size()), decoded) || decoded.find(':') == std::string::npos) {
        return error_reply(401, "PLP0025", "Authentication failed.", json::object(),
                           {{"auth_error_code", "authentication_failed"}});
    }
    const auto colon = decoded.find(':');
    const std::string login = decoded.substr(0, colon);
    const std::string password = decoded.substr(colon + 1);
    auto it = users_.find(login);
    if (it == users_.end() || !check_password(login, it->second, password)) {
        return error_reply(401, "PLP0030",
                           "Authentication with username " + login + " failed: invalid username or password",
                           {{"user", login}}, {{"auth_error_code", "invalid_username_or_password"}});
    }
    if (!permitted(login, path, op)) {
        return error_reply(401, "PLP0026",
                           "Permission denied: user " + login + " cannot perform " + operation_name(op) + ".",
                           {{"user", login}, {"operation", operation_name(op)}},
                           {{"auth_error_code", "permission_denied"}});
    }
    return {200, {{"login", login}}};
}

}  // namespace herald::core
