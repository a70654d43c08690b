export interface CatalogContext { x: 1 }
