#pragma once
// A receiver on 127.0.0.1:0 that speaks HTTP by hand, for answers a well-behaved server library
// will not give: chunked or unframed bodies, and kept-alive connections closed behind the
// client's back. Each accepted connection runs `serve` on its own thread.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace herald::test {

class raw_receiver {
public:
    /// `serve(socket, n)` handles the n-th connection (from 0); the socket closes when it returns.
    explicit raw_receiver(std::function<void(Poco::Net::StreamSocket&, int)> serve)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), serve_(std::move(serve)) {
        acceptor_ = std::thread([this] { accept_all(); });
    }
    ~raw_receiver() {
        stopping_ = true;
        acceptor_.join();
        std::lock_guard lock(mutex_);
        // A client may still hold its kept-alive end open: wake the handlers blocked reading it.
        for (auto& s : open_) {
            try {
                s.shutdown();
            } catch (...) {
            }
        }
        for (auto& t : handlers_) t.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/hook"; }
    int connections() const { return accepted_; }

    /// Reads one request (head and Content-Length body) from `s`; false if the client closed first.
    static bool read_request(Poco::Net::StreamSocket& s) {
        std::string buf;
        char chunk[4096];
        for (;;) {
            const auto end = buf.find("\r\n\r\n");
            if (end != std::string::npos) {
                const auto cl = buf.find("Content-Length: ");
                const std::size_t length = cl < end ? std::stoul(buf.substr(cl + 16)) : 0;
                if (buf.size() >= end + 4 + length) return true;
            }
            const int n = s.receiveBytes(chunk, sizeof chunk);
            if (n <= 0) return false;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
    }
    static void write(Poco::Net::StreamSocket& s, const std::string& bytes) {
        s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    }
    /// A `serve` that reads one request, writes `answer`, and returns (the connection closes).
    static std::function<void(Poco::Net::StreamSocket&, int)> answers_once(std::string answer) {
        return [answer = std::move(answer)](Poco::Net::StreamSocket& s, int) {
            if (read_request(s)) write(s, answer);
        };
    }

private:
    void accept_all() {
        while (!stopping_) {
            try {
                // Closing a listening socket does not wake a thread blocked in accept(): poll.
                if (!socket_.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) continue;
                Poco::Net::StreamSocket s = socket_.acceptConnection();
                const int n = accepted_++;
                std::lock_guard lock(mutex_);
                open_.push_back(s);
                handlers_.emplace_back([this, s, n]() mutable {
                    try {
                        serve_(s, n);
                    } catch (...) {
                    }
                    s.close();
                });
            } catch (...) {
                return;
            }
        }
    }

    Poco::Net::ServerSocket socket_;
    std::function<void(Poco::Net::StreamSocket&, int)> serve_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::mutex mutex_;
    std::vector<Poco::Net::StreamSocket> open_;  // copies share the descriptor with the handlers'
    std::vector<std::thread> handlers_;
    std::thread acceptor_;
};

}  // namespace herald::test
