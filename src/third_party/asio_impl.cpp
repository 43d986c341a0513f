// Boost.Asio, Boost.Beast and Asio's SSL support compiled once (BOOST_*_SEPARATE_COMPILATION),
// so the rest of the tree includes only their declarations and builds fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
