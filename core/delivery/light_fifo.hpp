#pragma once
// A first-in-first-out queue that costs nothing while empty. The dispatcher keeps one per
// listener with due work; std::deque allocates about 600 bytes on construction, which with
// 66 000 listeners due at once came to 46 MB (bench P7).
#include <cstddef>
#include <utility>
#include <vector>

namespace herald::core {

template <class T>
class light_fifo {
public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    void push_back(T item) { items_.push_back(std::move(item)); }
    T& front() { return items_[head_]; }
    void pop_front() {
        items_[head_] = T();  // release what the item holds now, not at the next compaction
        if (++head_ == items_.size()) {
            items_.clear();
            head_ = 0;
        } else if (head_ >= 32 && 2 * head_ >= items_.size()) {
            // Popped slots take at most half the vector: moving the rest down is amortised O(1).
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }

private:
    std::vector<T> items_;
    std::size_t head_ = 0;
};

}  // namespace herald::core
