export interface UsersContext { x: 1 }
