/* core/geo: distances on the Earth's surface, for the map, "nearest" and "how far". */
#include "geo.h"

#include <math.h>

#define EARTH_KM 6371.0088

static double rad(double deg)
{
    return deg * (M_PI / 180.0);
}

double fc_geo_km(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = rad(lat2 - lat1), dlon = rad(lon2 - lon1);
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(rad(lat1)) * cos(rad(lat2)) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1)
        a = 1;
    return 2 * EARTH_KM * atan2(sqrt(a), sqrt(1 - a));
}
