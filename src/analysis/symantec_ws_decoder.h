#pragma once
// Wazuh's SymantecWS_Decoder plugin: Symantec Web Security logs, comma-separated "key=value"
// entries after a date and a time, e.g.
//   20070717,73556,1=5,100=Logoff due to timeout.,11=1.2.3.4,10=usera,3=1,2=2
// Wazuh skips only up to the first comma (it looks for the second one from the first). Then, for
// each entry, the first of each kind wins and fields already set are kept:
//   10=  dstuser (at most 128 bytes)      11=  srcip (at most 128 bytes)
//   60=  url (at most 1024 bytes)         3= or 2=  id: the next 9 bytes, key and commas included
namespace herald::analysis {

class Event;

void decode_symantec_ws(Event& event);

}  // namespace herald::analysis
