-- forkcast schema, version 9: photo key -> the reviews carrying it. GET /photos/:key serves a
-- photo only to a viewer who may see one of those reviews (store op reviews_with_photo), so
-- every photo request looks them up. Partial: most reviews have no photo ('').
CREATE INDEX reviews_photo ON reviews(photo) WHERE photo <> '';
