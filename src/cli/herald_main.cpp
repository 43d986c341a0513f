// herald: the operator CLI over Herald's Management API.
#include <unistd.h>

#include <iostream>

#include "cli/herald_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return herald::cli::run_herald(args, std::cin, std::cout, std::cerr, herald::cli::process_environment,
                                 ::isatty(STDOUT_FILENO) == 1);
}
