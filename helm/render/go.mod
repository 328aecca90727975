module dnsd/helm/render

go 1.19
