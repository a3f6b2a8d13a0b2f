// Defines the one libstdc++ symbol that TorchSharp 0.107's libLibTorchSharp.so takes from
// GLIBCXX_3.4.32 (GCC 13) but Debian 12's GCC 12 libstdc++ lacks. In GCC 13 the function
// only forces iostream initialisation, which GCC 12's libstdc++ already does in its own
// static constructors, so an empty body is equivalent here.
namespace std {
__attribute__((visibility("default"))) void ios_base_library_init() {}
}
