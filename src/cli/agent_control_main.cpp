// agent_control: Wazuh's agent listing CLI over Herald's Management API.
#include <exception>
#include <iostream>

#include "cli/agent_control.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return herald::cli::agent_control::run(args, std::cout, std::cerr, herald::cli::process_environment);
  } catch (const std::exception& e) {
    std::cerr << "agent_control: " << e.what() << "\n";
    return 1;
  }
}
