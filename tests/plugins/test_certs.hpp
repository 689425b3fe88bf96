#pragma once
// A throw-away CA and a server certificate for 127.0.0.1 signed by it, plus a second CA that
// signed nothing here — made with the openssl command line in a temp directory.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace herald::test {

struct test_certs {
    std::filesystem::path dir;
    std::string ca, server_key, server_cert, other_ca;

    explicit test_certs(const std::filesystem::path& where) : dir(where) {
        std::filesystem::create_directories(dir);
        const std::string d = dir.string();
        std::ofstream(dir / "san.ext") << "subjectAltName=IP:127.0.0.1\n";
        run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "/ca.key -out " + d +
            "/ca.pem -days 2 -subj '/CN=Herald Test CA'");
        run("openssl req -newkey rsa:2048 -nodes -keyout " + d + "/server.key -out " + d +
            "/server.csr -subj /CN=127.0.0.1");
        run("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -out " +
            d + "/server.pem -days 2 -extfile " + d + "/san.ext");
        run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "/other.key -out " + d +
            "/other.pem -days 2 -subj '/CN=Some Other CA'");
        ca = d + "/ca.pem";
        server_key = d + "/server.key";
        server_cert = d + "/server.pem";
        other_ca = d + "/other.pem";
    }

private:
    static void run(const std::string& cmd) {
        if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
    }
};

}  // namespace herald::test
