// Process-wide shutdown state shared by `health` (which configures the lameduck duration and reports
// 503 once shutdown begins), `ready` (503 "Shutting down") and the server (which waits the duration,
// still answering DNS, before it stops).
#pragma once

#include <chrono>

namespace dnsd::plugins::health::lameduck {

// Asks for at least `duration` of lameduck on shutdown (the longest of all `health` blocks wins).
void Request(std::chrono::nanoseconds duration);
// Marks the process as shutting down and returns how long to keep serving before stopping.
std::chrono::nanoseconds Begin();
// True once Begin() was called. Any thread.
bool ShuttingDown();
// For tests: back to "serving, no lameduck".
void Reset();

}  // namespace dnsd::plugins::health::lameduck
