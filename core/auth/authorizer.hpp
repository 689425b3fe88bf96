#pragma once
// HTTP Basic authentication against auth.users and Pulp's authorization rule: a permission on a
// path grants it on every descendant; superusers may do anything; failures are 401 with
// PLP0025 (no credentials), PLP0030 (bad credentials) or PLP0026 (permission denied).
#include "api/reply.hpp"

#include <herald/abi.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <future>
#include <unordered_map>
#include <unordered_set>

namespace herald::core {

class authorizer {
public:
    /// `users` is the validated auth.users array.
    explicit authorizer(const nlohmann::json& users);

    /// 200 {"login"} or the 401 reply.
    reply authorize(const std::string& authorization_header, const std::string& resource_path,
                    herald_operation op);

    /// Pulp's ancestor rule, exposed for tests: may `login` do `op` on `path`?
    bool permitted(const std::string& login, const std::string& path, herald_operation op) const;

    static const char* operation_name(herald_operation op);

private:
    struct user {
        std::string password_hash;
        bool superuser = false;
        std::map<std::string, std::set<std::string>> permissions;  // normalised path → operations
    };
    bool check_password(const std::string& login, const user& u, const std::string& password);

    std::map<std::string, user> users_;
    // PBKDF2 is slow on purpose; a credential verified once is remembered (by a SHA-256 of the
    // hash, login and password, never the password itself) so each request does not pay again.
    // Concurrent requests with the same new credentials share one verification (a burst of new
    // connections would otherwise each run PBKDF2 at once).
    std::mutex cache_mutex_;
    std::unordered_set<std::string> verified_;
    std::unordered_map<std::string, std::shared_future<bool>> verifying_;
};

}  // namespace herald::core
