// chiefd: composition root (placeholder until the daemon is wired).
#include <iostream>

int main() {
    std::cerr << "chiefd: not implemented yet\n";
    return 1;
}
