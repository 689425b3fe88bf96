#include "util/thread_name.hpp"

#include <pthread.h>

#include <cstring>
#include <string>

namespace herald::core {

void name_this_thread(const char* name) {
    std::string n(name, strnlen(name, 15));  // longer names are refused, not cut
    pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace herald::core
