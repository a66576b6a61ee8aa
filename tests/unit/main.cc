// The library logs each probe and action at info level for `-v` and --log-file;
// the CLI sets that up. Here the default logger would print them between test
// results, so only warnings and errors are shown.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

int main(int argc, char* argv[]) {
  spdlog::set_level(spdlog::level::warn);
  return Catch::Session().run(argc, argv);
}
