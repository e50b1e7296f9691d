/* core/geo: distances on the Earth's surface, for the map, "nearest" and "how far". */
#ifndef FC_GEO_H
#define FC_GEO_H

/* Great-circle distance in kilometres between two points given in degrees (haversine, mean
 * Earth radius 6371.0088 km). */
double fc_geo_km(double lat1, double lon1, double lat2, double lon2);

#endif
